/** Plugin interfaces of Portcullis and the values they exchange; depends on nothing but the JDK. */
package dev.portcullis.spi;
