package example.app;

import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.client.Reply;

/** The application code under test in docs/testing.md: records a login on the user's home server. */
public final class LastLogin {
    private final LoncClient lonc;

    public LastLogin(LoncClient lonc) {
        this.lonc = lonc;
    }

    /** True if the home server stored it, or lonc saved it to deliver later (con_delayed). */
    public boolean record(String homeServer, String domain, String user, String when) {
        Reply r = lonc.critical(homeServer, "put:" + domain + ":" + user + ":environment:lastlogin=" + when);
        return r.isAnswer() || r.kind() == Reply.Kind.CON_DELAYED;
    }
}
