package io.vitshrink.workbench.store;

import java.time.Instant;
import java.util.Map;

/**
 * One recorded run: the unit the store writes in one transaction.
 *
 * @param key the point key ({@link PointKey}): the same model content and settings always give the same key
 * @param command what ran: a command name ({@code quantize}) or a sweep chain ({@code quantize+bench})
 * @param method the series a report draws it in ({@code float}, {@code PTQ adalog}, …)
 * @param label a short human name of the point ({@code W4A4 adalog})
 * @param status ok or failed
 * @param error the one-line error of a failed run, else null
 * @param attempts how many times this point was run (a failed point retried counts up)
 * @param modelPath the input model as given
 * @param modelSha256 SHA-256 of the input model's content
 * @param settingsJson the canonical settings (sorted keys) the key was made from
 * @param metrics flat metrics: the keys of the command's {@code --json}
 * @param startedAt when the run started
 * @param seconds wall time of the run
 * @param versions library versions (vitshrink, ONNX Runtime, Java)
 * @param machine the machine (OS, architecture, cores, host)
 * @param runDir the run folder relative to the database's folder, or null
 * @param sweep the sweep file's name, or null for a single command
 */
public record RunRecord(String key, String command, String method, String label, RunStatus status, String error,
        int attempts, String modelPath, String modelSha256, String settingsJson, Map<String, Object> metrics,
        Instant startedAt, double seconds, Map<String, String> versions, Map<String, String> machine, String runDir,
        String sweep) {

    public RunRecord {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        versions = Map.copyOf(versions);
        machine = Map.copyOf(machine);
    }

    public boolean ok() {
        return status == RunStatus.OK;
    }

    /** A numeric metric, or NaN when absent or not a number. */
    public double number(String metric) {
        return metrics.get(metric) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The same run with another attempt count. */
    public RunRecord withAttempts(int n) {
        return new RunRecord(key, command, method, label, status, error, n, modelPath, modelSha256, settingsJson, metrics,
                startedAt, seconds, versions, machine, runDir, sweep);
    }
}
