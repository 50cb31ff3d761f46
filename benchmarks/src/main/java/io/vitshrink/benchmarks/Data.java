package io.vitshrink.benchmarks;

import java.util.SplittableRandom;

/** Seeded inputs shaped like DeiT-Tiny's tensors. */
final class Data {
    private Data() {
    }

    /** A Linear weight [out, in] with a few outlier channels, as trained ViT weights have. */
    static float[] weight(int out, int in, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[out * in];
        for (int o = 0; o < out; o++) {
            double channelScale = o % 37 == 0 ? 0.2 : 0.04;
            for (int i = 0; i < in; i++) {
                w[o * in + i] = (float) (gaussian(r) * channelScale);
            }
        }
        return w;
    }

    /** Post-Softmax attention probabilities [batch, heads, tokens, tokens]: each row sums to 1, power-law shaped. */
    static float[] attention(int batch, int heads, int tokens, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[batch * heads * tokens * tokens];
        for (int row = 0; row < batch * heads * tokens; row++) {
            double sum = 0;
            for (int j = 0; j < tokens; j++) {
                double v = Math.exp(gaussian(r) * 2.5);
                a[row * tokens + j] = (float) v;
                sum += v;
            }
            for (int j = 0; j < tokens; j++) {
                a[row * tokens + j] /= (float) sum;
            }
        }
        return a;
    }

    /** Post-LayerNorm-like activations [batch, tokens, channels] with per-channel offsets. */
    static float[] activations(int batch, int tokens, int channels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[batch * tokens * channels];
        for (int i = 0; i < x.length; i++) {
            int c = i % channels;
            x[i] = (float) (gaussian(r) * (c % 29 == 0 ? 6 : 1) + (c % 7) * 0.1);
        }
        return x;
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
