package io.vitshrink.onnx.runtime;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Session settings. {@code intraOpThreads = 0} lets ONNX Runtime choose (one per core). With
 * {@code deterministic} set, ORT picks deterministic kernels so that repeated runs give identical
 * results. {@code config} holds session config entries such as
 * {@code session.qdq_matmulnbits_accuracy_level}. {@code optimizedModelPath}, when set, makes ORT
 * write the graph it actually runs (after its fusions), which tests inspect. {@code profilePrefix},
 * when set, makes ORT record how long every node of every run takes (see {@link Runner#endProfiling()}).
 */
public record RunnerOptions(int intraOpThreads, int interOpThreads, OptimizationLevel optimization,
        boolean deterministic, Map<String, String> config, Path optimizedModelPath, Path profilePrefix) {

    /** The session config key that lets intra-op workers spin while waiting for work (ORT default "1"). */
    public static final String ALLOW_SPINNING = "session.intra_op.allow_spinning";

    public RunnerOptions {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be ≥ 0");
        }
        config = Map.copyOf(config);
    }

    /** All ORT optimizations, ORT's thread count, deterministic kernels. */
    public static RunnerOptions defaults() {
        return new RunnerOptions(0, 1, OptimizationLevel.ALL, true, Map.of(), null, null);
    }

    public RunnerOptions withIntraOpThreads(int threads) {
        return new RunnerOptions(threads, interOpThreads, optimization, deterministic, config, optimizedModelPath, profilePrefix);
    }

    public RunnerOptions withOptimization(OptimizationLevel level) {
        return new RunnerOptions(intraOpThreads, interOpThreads, level, deterministic, config, optimizedModelPath, profilePrefix);
    }

    public RunnerOptions withDeterministic(boolean value) {
        return new RunnerOptions(intraOpThreads, interOpThreads, optimization, value, config, optimizedModelPath, profilePrefix);
    }

    public RunnerOptions withConfig(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(config);
        m.put(key, value);
        return new RunnerOptions(intraOpThreads, interOpThreads, optimization, deterministic, m, optimizedModelPath, profilePrefix);
    }

    /**
     * The same options with ONNX Runtime's intra-op workers blocking instead of spinning while they
     * wait for work. For sessions timed against each other in one process: a session's spinning
     * workers keep a core busy after its run returns, so the other session's next run starts on
     * fewer free cores. On a 2-core machine with ORT's default two threads this added about 30 ms
     * to every DeiT-Tiny batch-8 run of both models when interleaved run by run (121 → 151 ms,
     * 145 → 176 ms) and pulled their ratio toward 1 (0.837 → 0.855); without spinning, interleaved
     * and separate timings agree (within 1%), and spinning gains a lone session under 1%.
     */
    public RunnerOptions withoutSpinning() {
        return withConfig(ALLOW_SPINNING, "0");
    }


    public RunnerOptions withOptimizedModelPath(Path path) {
        return new RunnerOptions(intraOpThreads, interOpThreads, optimization, deterministic, config, path, profilePrefix);
    }

    /** ORT writes a Chrome-trace JSON of per-node timings to {@code <prefix>_<date>.json}. */
    public RunnerOptions withProfiling(Path prefix) {
        return new RunnerOptions(intraOpThreads, interOpThreads, optimization, deterministic, config, optimizedModelPath, prefix);
    }
}
