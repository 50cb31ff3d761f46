package io.vitshrink.onnx.testkit;

import java.util.SplittableRandom;

/**
 * Fixed-seed weight draws: uniform values with a chosen standard deviation. Only
 * {@link SplittableRandom#nextDouble()} is used, whose algorithm the JDK specifies, so a seed gives
 * the same weights on every JDK.
 */
final class WeightDraw {
    private static final double SQRT3 = Math.sqrt(3.0);
    private final SplittableRandom random;

    WeightDraw(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@code n} values uniform on {@code mean ± std·√3} (standard deviation {@code std}). */
    float[] uniform(int n, double mean, double std) {
        double half = std * SQRT3;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (mean + (2.0 * random.nextDouble() - 1.0) * half);
        }
        return out;
    }

    /** A Linear weight {@code [out, in]} with variance-preserving scale {@code gain / sqrt(in)}. */
    float[] linear(int out, int in, double gain) {
        return uniform(out * in, 0.0, gain / Math.sqrt(in));
    }

    float[] bias(int n) {
        return uniform(n, 0.0, 0.05);
    }

    float[] normWeight(int n) {
        return uniform(n, 1.0, 0.1);
    }

    float[] normBias(int n) {
        return uniform(n, 0.0, 0.05);
    }
}
