package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.runtime.OptimizationLevel;
import io.vitshrink.onnx.runtime.RunnerOptions;
import picocli.CommandLine.Option;

/** ONNX Runtime options shared by the commands that run models. */
public final class RuntimeOptions {

    @Option(names = "--threads", defaultValue = "0",
            description = "ONNX Runtime intra-op threads (0 = one per core, the default)")
    int threads;

    @Option(names = "--opt-level", defaultValue = "ALL",
            description = "ONNX Runtime graph optimization: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OptimizationLevel optimization;

    public RunnerOptions toRunnerOptions() {
        if (threads < 0 || threads > OptionRanges.MAX_THREADS) {
            throw new UserException("--threads must be 0 (automatic) or a count up to " + OptionRanges.MAX_THREADS
                    + ", not " + threads);
        }
        return RunnerOptions.defaults().withIntraOpThreads(threads).withOptimization(optimization);
    }
}
