/** How domain values look on the wire (API.md): one place that names every JSON field. */
package dev.portcullis.core.view;
