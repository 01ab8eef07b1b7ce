package org.loncapa.lonc.daemon.frontend;

import java.util.Set;

/**
 * Who may use lonc's sockets, decided from the peer's credentials (SO_PEERCRED) when a client
 * connects. File modes on the sockets are a first fence; this check is the one that counts, since
 * it also covers the moment between {@code bind} and {@code chmod}.
 *
 * <p>Immutable; any thread.
 *
 * @param users user names allowed
 * @param groups group names whose members (by the peer's primary group) are allowed
 */
public record AccessPolicy(Set<String> users, Set<String> groups) {
    public AccessPolicy {
        users = Set.copyOf(users);
        groups = Set.copyOf(groups);
    }

    /** The default: the daemon's own user and root. */
    public static AccessPolicy ownUserAndRoot() {
        return new AccessPolicy(Set.copyOf(java.util.List.of(System.getProperty("user.name"), "root")),
                Set.of());
    }

    /** Whether a peer with this user and primary group may connect. */
    public boolean allows(String user, String group) {
        return users.contains(user) || (group != null && groups.contains(group));
    }
}
