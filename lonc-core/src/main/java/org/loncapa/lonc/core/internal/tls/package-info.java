/**
 * The sans-I/O driver of the one-line TLS phase of the ssl key mode.
 *
 * <p>Internal: part of the engine's machinery, public only so that lonc's own packages and modules
 * (daemon, test kit, bench, demo) can use it; no compatibility promise. Applications use the API
 * packages ({@code org.loncapa.lonc.core} and its subpackages outside {@code internal}).
 */
package org.loncapa.lonc.core.internal.tls;
