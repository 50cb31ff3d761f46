package io.vitshrink.workbench.bench;

import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times a session on a fixed random image batch: {@code warmup} untimed runs (ORT allocates and
 * tunes on the first ones), then {@code runs} timed runs of one inference each.
 */
public final class LatencyBench {
    private final int warmup;
    private final int runs;

    public LatencyBench(int warmup, int runs) {
        if (warmup < 0 || runs < 1) {
            throw new IllegalArgumentException("warmup ≥ 0 and runs ≥ 1 required");
        }
        this.warmup = warmup;
        this.runs = runs;
    }

    public LatencyStats measure(Runner runner, int batch, int channels, int height, int width) {
        long[] shape = {batch, channels, height, width};
        float[] data = new float[Math.toIntExact(Tensor.numel(shape))];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextDouble() * 4 - 2);
        }
        String input = runner.inputNames().get(0);
        Map<String, Tensor> feed = Map.of(input, Tensor.ofFloats(input, shape, data));
        List<String> out = List.of(runner.outputNames().get(0));
        for (int i = 0; i < warmup; i++) {
            runner.run(feed, out);
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            runner.run(feed, out);
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        return LatencyStats.of(batch, millis);
    }
}
