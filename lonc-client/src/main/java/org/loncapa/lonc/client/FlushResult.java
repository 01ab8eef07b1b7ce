package org.loncapa.lonc.client;

/**
 * What {@link DeferredTransactions#flush} did.
 *
 * @param delivered transactions delivered to lond (and deleted) by this call; 0 when the replay
 *     runs in the background
 * @param pending transactions of the lonID still pending (not held) after this call; in the
 *     background case, those the replay was started for
 * @param background true when the daemon replays them in the background at its own rate (daemon
 *     mode); false when this call replayed them itself and waited (embedded mode)
 */
public record FlushResult(int delivered, int pending, boolean background) {}
