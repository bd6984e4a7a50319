/** An example authenticator plugin: static bearer tokens from a file, as in LangGraph's auth tutorial. */
package dev.portcullis.plugins.example;
