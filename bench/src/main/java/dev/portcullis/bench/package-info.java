/** JMH benchmarks of the per-request authentication and authorization path, with in-memory stores. */
package dev.portcullis.bench;
