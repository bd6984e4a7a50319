/** The authorization policy: rules from YAML files and plugins, with CEL conditions, and the engine that applies them. */
package dev.portcullis.core.policy;
