/** lonc examples. */
package org.loncapa.lonc.examples;
