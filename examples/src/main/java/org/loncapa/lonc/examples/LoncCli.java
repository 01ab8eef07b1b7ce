package org.loncapa.lonc.examples;

/** Entry point of the lonc command-line tool. */
public final class LoncCli {
    private LoncCli() {}

    public static void main(String[] args) {
        System.out.println("lonc cli: not built yet");
    }
}
