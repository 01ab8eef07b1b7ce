/** lonc core. */
package org.loncapa.lonc.core;
