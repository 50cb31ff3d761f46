package io.vitshrink.prune.tokens.tome;

import java.util.Arrays;

/**
 * The pure-Java reference of one {@link TokenMerging} step, for tests of the ONNX form.
 */
public final class TokenMergingReference {
    private TokenMergingReference() {
    }

    /** Merged tokens {@code [batch, n - r, width]} and their sizes {@code [batch, n - r]}. */
    public record Result(float[] tokens, float[] sizes, int n) {
    }

    /**
     * @param x tokens {@code [batch, n, width]}
     * @param keys keys averaged over heads {@code [batch, n, d]}
     * @param sizes patches per token {@code [batch, n]}, or null for all ones
     */
    public static Result merge(float[] x, float[] keys, float[] sizes, int batch, int n, int width, int d, int r) {
        int na = (n + 1) / 2;
        int nb = n / 2;
        r = Math.min(r, na - 1);
        int out = n - r;
        float[] tokens = new float[batch * out * width];
        float[] outSizes = new float[batch * out];
        for (int b = 0; b < batch; b++) {
            double[][] metric = new double[n][d];
            for (int t = 0; t < n; t++) {
                double sq = 0;
                for (int c = 0; c < d; c++) {
                    double v = keys[(b * n + t) * d + c];
                    sq += v * v;
                }
                double norm = Math.sqrt(sq);
                for (int c = 0; c < d; c++) {
                    metric[t][c] = keys[(b * n + t) * d + c] / norm;
                }
            }
            double[] best = new double[na];
            int[] match = new int[na];
            for (int i = 0; i < na; i++) {
                best[i] = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < nb; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += metric[2 * i][c] * metric[2 * j + 1][c];
                    }
                    if (i == 0) {
                        s = Double.NEGATIVE_INFINITY;
                    }
                    if (s > best[i] || j == 0) {
                        best[i] = s;
                        match[i] = j;
                    }
                }
            }
            Integer[] order = new Integer[na];
            for (int i = 0; i < na; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (p, q) -> Double.compare(best[q], best[p]));
            boolean[] merged = new boolean[na];
            double[][] bSum = new double[nb][width + 1];
            for (int j = 0; j < nb; j++) {
                add(bSum[j], x, sizes, b, n, 2 * j + 1, width);
            }
            for (int k = 0; k < r; k++) {
                int i = order[k];
                merged[i] = true;
                add(bSum[match[i]], x, sizes, b, n, 2 * i, width);
            }
            int o = 0;
            for (int i = 0; i < na; i++) {
                if (!merged[i]) {
                    double[] acc = new double[width + 1];
                    add(acc, x, sizes, b, n, 2 * i, width);
                    put(tokens, outSizes, b, out, o++, acc, width);
                }
            }
            for (int j = 0; j < nb; j++) {
                put(tokens, outSizes, b, out, o++, bSum[j], width);
            }
        }
        return new Result(tokens, outSizes, out);
    }

    private static void add(double[] acc, float[] x, float[] sizes, int b, int n, int t, int width) {
        double s = sizes == null ? 1 : sizes[b * n + t];
        for (int c = 0; c < width; c++) {
            acc[c] += s * x[(b * n + t) * width + c];
        }
        acc[width] += s;
    }

    private static void put(float[] tokens, float[] sizes, int b, int out, int o, double[] acc, int width) {
        for (int c = 0; c < width; c++) {
            tokens[(b * out + o) * width + c] = (float) (acc[c] / acc[width]);
        }
        sizes[b * out + o] = (float) acc[width];
    }
}
