/**
 * TLS for lond's {@code ssl} key mode (protocol.md §2.3): loading LON-CAPA's PEM certificate and
 * key files into {@link javax.net.ssl.SSLContext}s. The sans-I/O driver for the short TLS phase that
 * carries the IDEA session key over an otherwise plain-text TCP connection is engine machinery, in
 * {@code org.loncapa.lonc.core.internal.tls}.
 *
 * <p>The sequence on the wire is: {@code init:ssl...\n} and {@code ok:ssl\n} in plain text, then a
 * TLS handshake on the same socket (lond is the TLS server, lonc the client, both present
 * certificates), then one line inside TLS from lond to lonc (32 hex digits and {@code \n}), then
 * both sides continue in plain text on the same socket. Nobody sends a TLS {@code close_notify}:
 * its bytes would land in the peer's next plain-text read.
 *
 * <ul>
 *   <li>{@link org.loncapa.lonc.core.tls.TlsFiles}: the three file names.
 *   <li>{@link org.loncapa.lonc.core.tls.TlsContexts}: PEM files to {@code SSLContext} and
 *       configured {@code SSLEngine}s; protocol versions and the (off by default) peer-name check
 *       are decided there and nowhere else.
 *   <li>{@code internal.tls.TlsHandshake} (internal): drives one {@code SSLEngine} through
 *       handshake, one line and hand-back, with bytes in and bytes out (no sockets, no threads,
 *       no clock).
 * </ul>
 */
package org.loncapa.lonc.core.tls;
