/** lonc client. */
package org.loncapa.lonc.client;
