/**
 * The lonc engine's API: the {@link org.loncapa.lonc.core.LoncEngine} facade, its configuration
 * ({@link org.loncapa.lonc.core.EngineConfig}, {@link org.loncapa.lonc.core.RemoteHost}) and what
 * it reports ({@link org.loncapa.lonc.core.HostStatus}, {@link org.loncapa.lonc.core.ReplyTokens}).
 * Packages named {@code internal} below this one are the engine's machinery, for lonc's own modules
 * only, with no compatibility promise (docs/architecture.md, "Packages").
 */
package org.loncapa.lonc.core;
