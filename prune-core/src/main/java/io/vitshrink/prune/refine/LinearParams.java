package io.vitshrink.prune.refine;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.prune.weights.LinearWeights;

/**
 * A Linear's weight as the refinement graphs take it ({@code [in, out]}, row-major), its bias (zeros
 * and frozen when the layer has none) and which weights are pruned, for a range of its output
 * features (q, k and v of a fused qkv layer are three ranges of one Linear).
 */
final class LinearParams {
    final Linear linear;
    final int from;
    final int count;
    final float[] weight;
    final float[] bias;
    final boolean[] pruned;

    private LinearParams(Linear linear, int from, int count, float[] weight, float[] bias, boolean[] pruned) {
        this.linear = linear;
        this.from = from;
        this.count = count;
        this.weight = weight;
        this.bias = bias;
        this.pruned = pruned;
    }

    /**
     * Output features {@code [from, from + count)} of {@code l} in {@code g}.
     *
     * @param prunedOutIn the layer's pruned weights ({@code [out, in]}), or null when none is
     */
    static LinearParams read(Graph g, Linear l, int from, int count, boolean[] prunedOutIn) {
        int in = (int) l.inFeatures();
        float[] outIn = LinearWeights.read(g, l);
        float[] w = new float[in * count];
        boolean[] p = prunedOutIn == null ? null : new boolean[in * count];
        for (int o = 0; o < count; o++) {
            for (int i = 0; i < in; i++) {
                w[i * count + o] = outIn[(from + o) * in + i];
                if (p != null) {
                    p[i * count + o] = prunedOutIn[(from + o) * in + i];
                }
            }
        }
        float[] b = new float[count];
        if (l.bias() != null) {
            float[] all = g.initializer(l.bias()).orElseThrow(() -> new UserException("the bias '" + l.bias() + "' of '" + l.name()
                    + "' is not an initializer")).toFloats();
            System.arraycopy(all, from, b, 0, count);
        }
        return new LinearParams(l, from, count, w, b, p);
    }

    /** The weight's frozen entries (the pruned ones), or null when every entry may move. */
    boolean[] weightFrozen() {
        return pruned;
    }

    /** The bias's frozen entries: all of them when the layer has no bias to write back. */
    boolean[] biasFrozen() {
        if (linear.bias() != null) {
            return null;
        }
        boolean[] all = new boolean[count];
        java.util.Arrays.fill(all, true);
        return all;
    }

    /** RMS of the weight's kept entries: the unit of the refinement's step size. */
    double weightRms() {
        double s = 0;
        int n = 0;
        for (int k = 0; k < weight.length; k++) {
            if (pruned == null || !pruned[k]) {
                s += (double) weight[k] * weight[k];
                n++;
            }
        }
        return n == 0 ? 0 : Math.sqrt(s / n);
    }

    /** Writes the (updated) weight and bias range back into {@code g}. */
    void write(Graph g) {
        int in = (int) linear.inFeatures();
        int out = (int) linear.outFeatures();
        float[] outIn = LinearWeights.read(g, linear);
        for (int o = 0; o < count; o++) {
            for (int i = 0; i < in; i++) {
                outIn[(from + o) * in + i] = weight[i * count + o];
            }
        }
        LinearWeights.write(g, linear, outIn, out, in);
        if (linear.bias() != null) {
            Tensor t = g.initializer(linear.bias()).orElseThrow();
            float[] all = t.toFloats();
            System.arraycopy(bias, 0, all, from, count);
            g.replaceInitializer(linear.bias(), Tensor.ofFloats(linear.bias(), t.dims(), all));
        }
    }
}
