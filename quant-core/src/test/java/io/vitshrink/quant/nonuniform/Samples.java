package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Power-law tensors (softmax rows, GELU outputs), tiny graphs and an ORT runner for the tests. */
final class Samples {
    static final String X = "x";
    static final String Y = "y";
    static final String IDENTITY = "identity";

    private Samples() {
    }

    /** Uniform values in [0, 1]. */
    static float[] uniform01(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }

    /** Gaussian values with standard deviation {@code sigma}. */
    static float[] gaussian(long seed, int n, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (gaussian(r) * sigma);
        }
        return v;
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /**
     * Softmax rows of random logits (float32 softmax, as a model computes it), {@code rows × len}, with
     * a spread of temperatures: peaked rows give values near 1 and exact zeros (underflow), flat rows
     * give values near 1/len. The first rows carry special entries: exact 0, 1e-30, subnormals, 1.
     */
    static float[] softmax(long seed, int rows, int len) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[rows * len];
        for (int i = 0; i < rows; i++) {
            double temperature = i % 7 == 0 ? 40 : i % 3 == 0 ? 0.5 : 1 + 4 * r.nextDouble();
            float[] logits = new float[len];
            for (int k = 0; k < len; k++) {
                logits[k] = (float) (gaussian(r) * temperature);
            }
            if (i % 5 == 1) {
                logits[r.nextInt(len)] += 30; // one dominant token (like the class token)
            }
            float max = Float.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            float sum = 0;
            float[] e = new float[len];
            for (int k = 0; k < len; k++) {
                e[k] = (float) Math.exp(logits[k] - max);
                sum += e[k];
            }
            for (int k = 0; k < len; k++) {
                out[i * len + k] = e[k] / sum;
            }
        }
        float[] special = {0f, 1e-30f, Float.MIN_VALUE, 3 * Float.MIN_VALUE, Float.MIN_NORMAL, 1f, Math.nextDown(1f), 0.5f,
            0.70710677f, 0.7071068f, 1e-10f, 0.25f, 0x1p-20f, 0x1p-126f, 1e-40f, 0.999f};
        for (int i = 0; i < special.length && i < out.length; i++) {
            out[i * 7 % out.length] = special[i];
        }
        return out;
    }

    /** GELU (erf form, computed in double, stored as float) of Gaussian pre-activations. */
    static float[] gelu(long seed, int n, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x = gaussian(r) * sigma;
            if (r.nextInt(100) == 0) {
                x *= 5; // a few large activations
            }
            v[i] = (float) gelu(x);
        }
        v[0] = (float) gelu(-0.7517915);   // the minimum, ≈ -0.16997
        v[1] = 0f;
        v[2] = -0f;
        return v;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** Abramowitz–Stegun 7.1.26 is too coarse; a series/continued-fraction erf accurate to ~1e-15. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double result;
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc continued fraction (Lentz)
            double tiny = 1e-300;
            double f = ax;
            double c = ax;
            double d = 0;
            for (int n = 1; n < 300; n++) {
                double a = n / 2.0;
                d = ax + a * d;
                d = Math.abs(d) < tiny ? tiny : d;
                c = ax + a / c;
                c = Math.abs(c) < tiny ? tiny : c;
                d = 1 / d;
                double delta = c * d;
                f *= delta;
                if (Math.abs(delta - 1) < 1e-16) {
                    break;
                }
            }
            double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
            result = 1 - erfc;
        }
        return x < 0 ? -result : result;
    }

    /** Infinities, the largest and smallest floats, signed zeros. */
    static float[] extremes(long seed, int n) {
        float[] special = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f,
            Float.MIN_VALUE, -Float.MIN_VALUE, 0f, -0f, 1f, -1f, 0.17f, -0.17f, 1e-30f, -1e-30f};
        float[] v = uniform01(seed, n);
        for (int i = 0; i < n; i++) {
            v[i] = i % 2 == 0 ? special[(i / 2) % special.length] : (v[i] - 0.5f) * 8;
        }
        return v;
    }

    /** {@code x [batch, dims…] → Identity → y} at opset 13, batch symbolic. */
    static Model identity(long[] perItem) {
        return identity(perItem, 13);
    }

    static Model identity(long[] perItem, long opset) {
        Graph g = new Graph("identity");
        List<Dim> d = new ArrayList<>();
        d.add(Dim.symbolic("batch"));
        for (long s : perItem) {
            d.add(Dim.of(s));
        }
        g.addInput(new ValueInfo(X, DataType.FLOAT, d));
        g.addNode(new Node(IDENTITY, "Identity", List.of(X), List.of(Y)));
        g.addOutput(new ValueInfo(Y, DataType.FLOAT, d));
        return new Model(opset < 15 ? 7 : 8, Map.of("", opset), g);
    }

    /** Runs one input through a session per call. */
    static float[] run(Model m, float[] x, long[] shape) {
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            return run(r, x, shape);
        }
    }

    static float[] run(Runner r, float[] x, long[] shape) {
        return r.run(Map.of(X, Tensor.ofFloats(X, shape, x))).get(Y).toFloats();
    }

    static long[] shape(long batch, long[] perItem) {
        long[] s = new long[perItem.length + 1];
        s[0] = batch;
        System.arraycopy(perItem, 0, s, 1, perItem.length);
        return s;
    }

    /** Concatenation of arrays. */
    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int i = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    /** The first {@code n} values, cycling through {@code v}. */
    static float[] take(float[] v, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = v[i % v.length];
        }
        return out;
    }
}
