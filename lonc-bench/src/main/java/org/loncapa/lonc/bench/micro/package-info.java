/**
 * JMH micro-benchmarks of lonc's hot paths: line framing ({@code LineReaderBench}), the protocol
 * state machine's request path ({@code LondSessionBench}), {@code enc:} encryption
 * ({@code EncFrameBench}) and queue dispatch through the engine ({@code DispatchBench}).
 *
 * <p>Run from the shaded jar, whose main is JMH's, e.g.
 * {@code java -jar lonc-bench/target/lonc-bench-0.1.0-SNAPSHOT-all.jar 'micro\.' -f 1 -wi 2 -i 3}.
 * They are never run by {@code mvn verify}. See {@code docs/performance.md}.
 */
package org.loncapa.lonc.bench.micro;
