/** Server API keys and the admin key: minting, authentication, use tracking. */
package dev.portcullis.core.apikey;
