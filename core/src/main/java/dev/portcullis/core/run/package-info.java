/** Running a thread's agent, and the stored, replayable stream of a run's events. */
package dev.portcullis.core.run;
