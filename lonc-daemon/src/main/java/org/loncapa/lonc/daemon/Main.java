package org.loncapa.lonc.daemon;

/** Entry point of the lonc daemon jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("lonc daemon: not built yet");
    }
}
