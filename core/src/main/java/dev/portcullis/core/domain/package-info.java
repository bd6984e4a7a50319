/** The stored things of the agent API: projects, agents, threads, messages, runs and run events. */
package dev.portcullis.core.domain;
