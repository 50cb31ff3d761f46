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

    /** Latency of two sessions measured in one run. */
    public record Pair(LatencyStats model, LatencyStats reference) {
        /** Median latency of the model over the reference's (below 1 = faster). */
        public double ratio() {
            return model.p50() / reference.p50();
        }
    }

    /**
     * Times two sessions on the same input, alternating run by run, so that machine noise (other
     * processes, thermal state) hits both alike and their ratio stays meaningful on shared machines.
     * Open both sessions {@link io.vitshrink.onnx.runtime.RunnerOptions#withoutSpinning() without
     * spinning}: otherwise each run shares the cores with the other session's still-spinning workers.
     */
    public Pair measurePair(Runner model, Runner reference, int batch, int channels, int height, int width) {
        Map<String, Tensor> feedM = feed(model, batch, channels, height, width);
        Map<String, Tensor> feedR = feed(reference, batch, channels, height, width);
        List<String> outM = List.of(model.outputNames().get(0));
        List<String> outR = List.of(reference.outputNames().get(0));
        for (int i = 0; i < warmup; i++) {
            model.run(feedM, outM);
            reference.run(feedR, outR);
        }
        double[] m = new double[runs];
        double[] r = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            model.run(feedM, outM);
            long t1 = System.nanoTime();
            reference.run(feedR, outR);
            long t2 = System.nanoTime();
            m[i] = (t1 - t0) / 1e6;
            r[i] = (t2 - t1) / 1e6;
        }
        return new Pair(LatencyStats.of(batch, m), LatencyStats.of(batch, r));
    }

    private static Map<String, Tensor> feed(Runner runner, int batch, int channels, int height, int width) {
        long[] shape = {batch, channels, height, width};
        float[] data = new float[Math.toIntExact(Tensor.numel(shape))];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextDouble() * 4 - 2);
        }
        String input = runner.inputNames().get(0);
        return Map.of(input, Tensor.ofFloats(input, shape, data));
    }

    public LatencyStats measure(Runner runner, int batch, int channels, int height, int width) {
        Map<String, Tensor> feed = feed(runner, batch, channels, height, width);
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
