package io.vitshrink.onnx.testkit;

/**
 * The kernels of the reference forward pass: float32 tensors in plain row-major arrays, every sum
 * accumulated in double and rounded to float once, so the reference is at least as accurate as the
 * float32 engine it checks.
 */
final class RefMath {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double SQRT_PI = Math.sqrt(Math.PI);

    private RefMath() {
    }

    /**
     * The error function to better than 1e-12 (float32 needs 6e-8): its Maclaurin series below 3, the continued fraction of
     * erfc from 3 to 6.5, and ±1 beyond (where erfc is below 1e-19).
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3.0) {
            double x2 = ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = sum * TWO_OVER_SQRT_PI;
        } else if (ax < 6.5) {
            // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
            double f = ax;
            for (int k = 80; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            r = 1.0 - Math.exp(-ax * ax) / (SQRT_PI * f);
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    static float gelu(float x, GeluForm form) {
        double v = x;
        if (form == GeluForm.TANH) {
            return (float) (0.5 * v * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
        return (float) (0.5 * v * (1.0 + erf(v / Math.sqrt(2.0))));
    }

    static void geluInPlace(float[] x, GeluForm form) {
        for (int i = 0; i < x.length; i++) {
            x[i] = gelu(x[i], form);
        }
    }

    /** LayerNorm of each of {@code rows} rows of width {@code d} (biased variance, as PyTorch). */
    static float[] layerNorm(float[] x, int rows, int d, float[] gamma, float[] beta, float eps) {
        float[] out = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += x[o + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = x[o + j] - mean;
                var += c * c;
            }
            var /= d;
            double inv = 1.0 / Math.sqrt(var + eps);
            for (int j = 0; j < d; j++) {
                out[o + j] = (float) ((x[o + j] - mean) * inv * gamma[j] + beta[j]);
            }
        }
        return out;
    }

    /** {@code x [rows, in] · Wᵀ + b} for a PyTorch Linear weight {@code W [out, in]}; {@code b} may be null. */
    static float[] linear(float[] x, int rows, int in, float[] w, float[] b, int out) {
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0.0 : b[o];
                int wo = o * in;
                int xo = r * in;
                for (int i = 0; i < in; i++) {
                    acc += (double) x[xo + i] * w[wo + i];
                }
                y[r * out + o] = (float) acc;
            }
        }
        return y;
    }

    static void addInPlace(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    /** Softmax of {@code v[0..n)} in place. */
    static void softmax(double[] v, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < n; i++) {
            v[i] /= sum;
        }
    }

    /**
     * Multi-head attention over {@code n} tokens from a packed {@code qkv [n, 3d]} (q, k, v blocks,
     * head-major within each), with an optional additive bias {@code [heads, n, n]}; returns the
     * context {@code [n, d]} with heads concatenated.
     */
    static float[] attention(float[] qkv, int n, int d, int heads, float[] bias) {
        int hd = d / heads;
        double scale = 1.0 / Math.sqrt(hd);
        float[] ctx = new float[n * d];
        double[] p = new double[n];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                int qo = i * 3 * d + h * hd;
                for (int j = 0; j < n; j++) {
                    int ko = j * 3 * d + d + h * hd;
                    double s = 0;
                    for (int t = 0; t < hd; t++) {
                        s += (double) qkv[qo + t] * qkv[ko + t];
                    }
                    p[j] = s * scale + (bias == null ? 0.0 : bias[(h * n + i) * n + j]);
                }
                softmax(p, n);
                for (int t = 0; t < hd; t++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) {
                        acc += p[j] * qkv[j * 3 * d + 2 * d + h * hd + t];
                    }
                    ctx[i * d + h * hd + t] = (float) acc;
                }
            }
        }
        return ctx;
    }

    /**
     * Patch embedding (Conv with kernel = stride = p) of image {@code index} of an NCHW batch; returns
     * the patch tokens {@code [grid*grid, d]} in row-major patch order.
     */
    static float[] patchEmbed(float[] pixels, int index, int channels, int size, int p, float[] w, float[] b, int d) {
        int grid = size / p;
        int base = index * channels * size * size;
        float[] out = new float[grid * grid * d];
        for (int py = 0; py < grid; py++) {
            for (int px = 0; px < grid; px++) {
                int token = py * grid + px;
                for (int o = 0; o < d; o++) {
                    double acc = b[o];
                    for (int c = 0; c < channels; c++) {
                        for (int ky = 0; ky < p; ky++) {
                            int row = base + (c * size + py * p + ky) * size + px * p;
                            int wrow = ((o * channels + c) * p + ky) * p;
                            for (int kx = 0; kx < p; kx++) {
                                acc += (double) w[wrow + kx] * pixels[row + kx];
                            }
                        }
                    }
                    out[token * d + o] = (float) acc;
                }
            }
        }
        return out;
    }
}
