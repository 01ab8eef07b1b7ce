/**
 * Prototypes of changes proposed to code owned by other modules, kept here with their equivalence
 * tests and benchmarks so that the proposal comes with its numbers (see docs/performance.md). Not
 * used by lonc itself.
 */
package org.loncapa.lonc.bench.proposal;
