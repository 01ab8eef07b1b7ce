/**
 * The engine's back door for lonc's own modules ({@link org.loncapa.lonc.core.internal.EngineInternals}).
 *
 * <p>Internal: part of the engine's machinery, public only so that lonc's own packages and modules
 * (daemon, test kit, bench, demo) can use it; no compatibility promise. Applications use the API
 * packages ({@code org.loncapa.lonc.core} and its subpackages outside {@code internal}).
 */
package org.loncapa.lonc.core.internal;
