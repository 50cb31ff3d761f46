package io.vitshrink.workbench.tokens;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.workbench.bench.LatencyBench;
import io.vitshrink.workbench.output.JsonResult;
import java.util.List;

/**
 * Latency of a reduced model against its float original, measured interleaved in one run by the
 * bench command's {@link LatencyBench}; the same keys as {@code vitshrink bench --reference}.
 */
public final class TokenBench {
    private TokenBench() {
    }

    public static JsonResult measure(Model reduced, Model reference, List<Integer> batches, int runs, int imageSize,
            RunnerOptions options, boolean quiet) {
        JsonResult result = new JsonResult();
        LatencyBench bench = new LatencyBench(5, runs);
        RunnerOptions timing = options.withoutSpinning(); // see RunnerOptions#withoutSpinning
        try (Runner m = Runner.open(reduced, timing); Runner ref = Runner.open(reference, timing)) {
            for (int b : batches) {
                if (!quiet) {
                    System.err.printf("bench: batch %d, 5 warm-up + %d timed runs of each model, interleaved%n", b, runs);
                }
                LatencyBench.Pair pair = bench.measurePair(m, ref, b, 3, imageSize, imageSize);
                String k = "_b" + b;
                result.put("latency_ms_p50" + k, pair.model().p50()).put("reference_latency_ms_p50" + k, pair.reference().p50())
                        .put("latency_ratio" + k, pair.ratio());
            }
        }
        return result;
    }
}
