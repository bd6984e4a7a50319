/** Opaque secrets: minting, the checksummed wire format, hashing for storage, random ids. */
package dev.portcullis.core.secret;
