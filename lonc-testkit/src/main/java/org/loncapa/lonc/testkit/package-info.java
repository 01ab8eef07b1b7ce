/** lonc testkit. */
package org.loncapa.lonc.testkit;
