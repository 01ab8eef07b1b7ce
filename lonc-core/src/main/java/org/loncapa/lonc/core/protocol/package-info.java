/**
 * The parts of the lonc/lond protocol that users see: {@link
 * org.loncapa.lonc.core.protocol.WireText} (how bytes that are not UTF-8 travel in a reply
 * {@code String}) and {@link org.loncapa.lonc.core.protocol.ProtocolChoices} (the documented
 * choices of docs/protocol-choices.md, as constants and pure functions). The protocol machinery
 * itself (sessions, ciphers, framing) is in {@code org.loncapa.lonc.core.internal.protocol}.
 */
package org.loncapa.lonc.core.protocol;
