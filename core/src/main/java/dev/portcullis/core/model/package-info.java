/** The model port: how a run asks a language model for a streamed reply, and its adapters. */
package dev.portcullis.core.model;
