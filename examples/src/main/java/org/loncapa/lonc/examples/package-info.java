/**
 * Examples of the lonc SDK: the {@code lonc} command-line tool ({@link
 * org.loncapa.lonc.examples.LoncCli}: ping, send, critical, status, deferred, and the lond
 * {@code probe}) and a small web application ({@link org.loncapa.lonc.examples.WebAppExample}).
 * Built as a runnable jar whose main class is {@code LoncCli}.
 */
package org.loncapa.lonc.examples;
