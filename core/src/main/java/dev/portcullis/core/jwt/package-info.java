/**
 * Everything JOSE, behind one adapter on Nimbus JOSE+JWT: signing keys and their encryption at
 * rest, minting and verifying workspace tokens, verifying identity-provider JWTs against their
 * JWKS. No other package imports Nimbus.
 */
package dev.portcullis.core.jwt;
