/** The one exception type of the domain and the stable error codes of API.md section 1. */
package dev.portcullis.core.error;
