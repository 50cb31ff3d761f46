package io.vitshrink.prune.tokens.semantic;

/** The pure-Java reference of {@link SemanticTokens}, for tests of the ONNX form. */
public final class SemanticTokensReference {
    private SemanticTokensReference() {
    }

    /**
     * @param x tokens {@code [batch, 1 + grid², width]}
     * @return {@code [batch, 1 + k, width]}
     */
    public static float[] tokens(float[] x, int batch, int grid, int width, int k) {
        int n = 1 + grid * grid;
        int patches = grid * grid;
        int[] rc = SemanticTokens.gridOf(k);
        float[] pool = SemanticTokens.poolingMatrix(grid, rc[0], rc[1]);
        float[] out = new float[batch * (k + 1) * width];
        for (int b = 0; b < batch; b++) {
            int base = b * n * width;
            System.arraycopy(x, base, out, b * (k + 1) * width, width);
            double[][] keys = new double[patches][];
            for (int p = 0; p < patches; p++) {
                keys[p] = unit(x, base + (1 + p) * width, width);
            }
            for (int s = 0; s < k; s++) {
                double[] init = new double[width];
                for (int p = 0; p < patches; p++) {
                    float wgt = pool[s * patches + p];
                    for (int c = 0; c < width && wgt != 0; c++) {
                        init[c] += wgt * x[base + (1 + p) * width + c];
                    }
                }
                double[] q = unit(init);
                double[] logits = new double[patches];
                double max = Double.NEGATIVE_INFINITY;
                for (int p = 0; p < patches; p++) {
                    double dot = 0;
                    for (int c = 0; c < width; c++) {
                        dot += q[c] * keys[p][c];
                    }
                    logits[p] = dot * SemanticTokens.TEMPERATURE;
                    max = Math.max(max, logits[p]);
                }
                double sum = 0;
                for (int p = 0; p < patches; p++) {
                    logits[p] = Math.exp(logits[p] - max);
                    sum += logits[p];
                }
                for (int c = 0; c < width; c++) {
                    double v = 0;
                    for (int p = 0; p < patches; p++) {
                        v += logits[p] / sum * x[base + (1 + p) * width + c];
                    }
                    out[(b * (k + 1) + 1 + s) * width + c] = (float) v;
                }
            }
        }
        return out;
    }

    private static double[] unit(float[] x, int offset, int width) {
        double[] v = new double[width];
        for (int c = 0; c < width; c++) {
            v[c] = x[offset + c];
        }
        return unit(v);
    }

    private static double[] unit(double[] v) {
        double sq = 0;
        for (double d : v) {
            sq += d * d;
        }
        double norm = Math.sqrt(sq);
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i] / norm;
        }
        return u;
    }
}
