package io.vitshrink.quant.observers;

import java.util.Arrays;
import java.util.Random;

/** Seeded test distributions. */
final class Samples {

    private Samples() {
    }

    static float[] uniform(int n, float lo, float hi, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * r.nextFloat();
        }
        return x;
    }

    static float[] gaussian(int n, double mean, double sd, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (mean + sd * r.nextGaussian());
        }
        return x;
    }

    /** Student-t with 2 degrees of freedom: a symmetric heavy tail (like attention projections' outliers). */
    static float[] studentT2(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double chi2 = square(r.nextGaussian()) + square(r.nextGaussian());
            x[i] = (float) (r.nextGaussian() / Math.sqrt(chi2 / 2));
        }
        return x;
    }

    /** Rows of softmax over {@code tokens} Gaussian logits (sd 2.5): post-Softmax attention probabilities. */
    static float[] softmax(int rows, int tokens, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * tokens];
        double[] z = new double[tokens];
        for (int row = 0; row < rows; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < tokens; t++) {
                z[t] = 2.5 * r.nextGaussian();
                max = Math.max(max, z[t]);
            }
            double sum = 0;
            for (int t = 0; t < tokens; t++) {
                z[t] = Math.exp(z[t] - max);
                sum += z[t];
            }
            for (int t = 0; t < tokens; t++) {
                x[row * tokens + t] = (float) (z[t] / sum);
            }
        }
        return x;
    }

    /** Exact sample quantile (nearest rank on the sorted values, linear between ranks). */
    static double quantile(float[] x, double q) {
        float[] s = x.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(s.length - 1, i + 1);
        return s[i] + (pos - i) * (s[j] - s[i]);
    }

    static float[] abs(float[] x) {
        float[] a = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = Math.abs(x[i]);
        }
        return a;
    }

    /** Feeds x as batches of {@code rows} rows of {@code width} values (shape [rows, width]). */
    static void feed(io.vitshrink.quant.observers.TensorObserver o, float[] x, int width, int rows) {
        int per = width * rows;
        for (int at = 0; at < x.length; at += per) {
            int n = Math.min(per, x.length - at);
            o.update(Arrays.copyOfRange(x, at, at + n), new long[] {n / width, width});
        }
    }

    static double squaredError(float[] x, io.vitshrink.quant.quantizers.UniformParams p) {
        float[] fq = io.vitshrink.quant.quantizers.UniformQuantizer.fakeQuantize(x, new long[] {x.length}, p);
        double e = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) fq[i] - x[i];
            e += d * d;
        }
        return e;
    }

    private static double square(double v) {
        return v * v;
    }
}
