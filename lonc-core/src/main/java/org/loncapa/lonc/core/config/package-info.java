/**
 * Reading LON-CAPA's configuration: {@code loncapa.conf} ({@link org.loncapa.lonc.core.config.PerlVars}),
 * the typed view lonc needs ({@link org.loncapa.lonc.core.config.LoncapaConfig}) and the cluster
 * host table {@code hosts.tab} ({@link org.loncapa.lonc.core.config.HostTable}).
 *
 * <p>Every type here is immutable and safe to share between threads. Parse errors are checked
 * {@link org.loncapa.lonc.core.config.ConfigException}s that name the file and the 1-based line,
 * so that an operator can go straight to the offending line.
 */
package org.loncapa.lonc.core.config;
