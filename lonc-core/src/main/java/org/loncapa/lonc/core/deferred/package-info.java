/**
 * The deferred (critical) transaction store: lonnet-compatible files in {@code
 * <lonSockDir>/delayed/}, their replay bookkeeping and the perm log.
 *
 * <ul>
 *   <li>{@link org.loncapa.lonc.core.deferred.DeferredStore}: save (temp file, fsync, atomic
 *       rename, directory fsync), list in replay order, read, delete after the reply, hold,
 *       release, move aside what is corrupt, stats.
 *   <li>{@link org.loncapa.lonc.core.deferred.DelayedFileName}: the
 *       {@code <time>.<counter>.<pid>.<middlename>.<lonid>} names lonnet writes.
 *   <li>{@link org.loncapa.lonc.core.deferred.ReplayPlan}: per-host in-flight, rate and
 *       back-off bookkeeping for the engine loop.
 *   <li>{@link org.loncapa.lonc.core.deferred.PermLog}: {@code lonnet.perm.log} lines
 *       ({@code D:}, {@code F:}, {@code S:}).
 *   <li>{@link org.loncapa.lonc.core.deferred.StoreIo}: the file-system seam, {@link
 *       org.loncapa.lonc.core.deferred.RealStoreIo} in production.
 * </ul>
 *
 * <p><b>Delivery guarantee: at-least-once.</b> A delayed request's file is deleted only after
 * lond replied to its replay; if the reply is lost the request is sent again. There is no
 * deduplication (as in Perl lonc).
 *
 * <p>Uncertain facts about lonnet ([RECALL] in {@code protocol.md}) each live in one constant:
 * {@link org.loncapa.lonc.core.deferred.DelayedFileName#middlename(String)} (cut to 16, then
 * strip {@code \W}), {@link org.loncapa.lonc.core.deferred.SaveResult.Status#replyToken()}
 * ({@code con_delayed}/{@code con_failed}), {@link
 * org.loncapa.lonc.core.deferred.DeferredStore#LONNET_READ_BACK_DELAY} (2 s) and {@link
 * org.loncapa.lonc.core.deferred.PermLog#PERL_LOCALTIME}.
 */
package org.loncapa.lonc.core.deferred;
