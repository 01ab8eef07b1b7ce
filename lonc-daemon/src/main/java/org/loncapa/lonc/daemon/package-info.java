/** lonc daemon. */
package org.loncapa.lonc.daemon;
