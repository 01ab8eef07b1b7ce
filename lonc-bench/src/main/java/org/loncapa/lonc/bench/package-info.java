/** lonc bench. */
package org.loncapa.lonc.bench;
