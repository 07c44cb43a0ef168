package kafkapipeline.bench;

import java.util.Map;

/**
 * The figures of one throughput phase.
 *
 * @param phase e.g. "raw-single", "baseline", "pipeline-1-silo"
 * @param round 1, 2, ...
 * @param rows rows the phase had to write
 * @param rowsPerSecond sustained rate over the steady window (10 % to 90 % of the rows)
 * @param wallSeconds from the phase's start (processes started, if any) to its last row
 * @param windowSeconds the length of the steady window
 * @param cpuMicrosPerRow CPU (user + system) per row in the window, per process, and "total"
 * @param cpuCores average cores each process used in the window
 * @param peakRssMb highest sampled resident memory per process over the phase
 * @param notes anything else worth keeping (settings, duplicates written)
 */
record PhaseResult(
    String phase,
    int round,
    long rows,
    double rowsPerSecond,
    double wallSeconds,
    double windowSeconds,
    Map<String, Double> cpuMicrosPerRow,
    Map<String, Double> cpuCores,
    Map<String, Double> peakRssMb,
    Map<String, Object> notes) {}
