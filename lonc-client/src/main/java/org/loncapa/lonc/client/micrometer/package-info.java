/** Micrometer meters for a {@link org.loncapa.lonc.client.LoncClient} (needs micrometer-core). */
package org.loncapa.lonc.client.micrometer;
