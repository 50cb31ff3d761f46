package io.vitshrink.prune.tokens.evit;

/**
 * The pure-Java reference of {@link AttentiveTokenKeeping}: the same keeping on plain arrays, for
 * tests of the ONNX form.
 */
public final class AttentiveTokenKeepingReference {
    private AttentiveTokenKeepingReference() {
    }

    /**
     * @param x residual stream {@code [batch, n, width]}, row-major
     * @param probs attention probabilities {@code [batch, heads, n, n]}
     * @return {@code [batch, keep + 2, width]}
     */
    public static float[] keep(float[] x, float[] probs, int batch, int heads, int n, int width, int keep) {
        float[] out = new float[batch * (keep + 2) * width];
        for (int b = 0; b < batch; b++) {
            double[] attn = new double[n - 1];
            for (int h = 0; h < heads; h++) {
                int row = ((b * heads + h) * n) * n; // query 0 of head h
                for (int j = 1; j < n; j++) {
                    attn[j - 1] += probs[row + j];
                }
            }
            float[] a = new float[n - 1];
            for (int j = 0; j < n - 1; j++) {
                a[j] = (float) (attn[j] / heads);
            }
            Integer[] order = new Integer[n - 1];
            for (int j = 0; j < n - 1; j++) {
                order[j] = j;
            }
            java.util.Arrays.sort(order, (p, q) -> Float.compare(a[q], a[p])); // stable: ties keep index order
            boolean[] kept = new boolean[n - 1];
            int o = b * (keep + 2) * width;
            System.arraycopy(x, b * n * width, out, o, width); // class token
            for (int i = 0; i < keep; i++) {
                int t = order[i];
                kept[t] = true;
                System.arraycopy(x, (b * n + 1 + t) * width, out, o + (1 + i) * width, width);
            }
            double weight = 0;
            double[] fused = new double[width];
            for (int t = 0; t < n - 1; t++) {
                if (!kept[t]) {
                    weight += a[t];
                    for (int c = 0; c < width; c++) {
                        fused[c] += a[t] * x[(b * n + 1 + t) * width + c];
                    }
                }
            }
            for (int c = 0; c < width; c++) {
                out[o + (keep + 1) * width + c] = (float) (fused[c] / weight);
            }
        }
        return out;
    }
}
