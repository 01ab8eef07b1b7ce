/**
 * Test doubles for code that talks to lond: {@link org.loncapa.lonc.testkit.FakeLond}, a scriptable
 * lond on loopback TCP (all three key modes, queued or dispatched {@link
 * org.loncapa.lonc.testkit.Response}s, {@link org.loncapa.lonc.testkit.RecordedRequest}s, connection
 * {@link org.loncapa.lonc.testkit.Fault}s), and {@link org.loncapa.lonc.testkit.FakeTicker}, a
 * manually advanced {@link org.loncapa.lonc.core.Ticker}.
 */
package org.loncapa.lonc.testkit;
