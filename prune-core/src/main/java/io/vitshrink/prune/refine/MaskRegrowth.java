package io.vitshrink.prune.refine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Prune and regrow during refinement: the mask a score chose before any weight moved is not the best
 * one for the refined network, and the gradient of the whole window's loss says which pruned weights
 * it misses. Every few steps, in each output feature of each weight separately (so every feature keeps
 * its count and the layer its sparsity), the kept weights that matter least are pruned and as many
 * pruned ones whose mean gradient since the last exchange is largest start to move from zero (RigL's
 * rule, Evci et al. 2020, with the drop score made Wanda-like).
 *
 * <ul>
 *   <li><b>drop score</b> |w|·√v̂, v̂ Adam's running mean of the squared gradient: within one output
 *       feature the gradient of a weight scales with its input's size, so this ranks like Wanda's
 *       |w|·‖x‖ without the inputs themselves, which a window graph does not expose;
 *   <li><b>grow score</b> |ḡ|, the mean gradient of the pruned weight over the steps since the last
 *       exchange; weights whose gradient is zero throughout (a feature that nothing downstream reads
 *       any more) are not grown, and a feature prunes only as many as it grows;
 *   <li><b>how many</b>: a fraction of each feature's kept weights, {@code fraction}·½(1 + cos(π·s/S))
 *       at step s, exchanges every S/6 steps up to S = ¾ of the refinement's steps (none after, so the
 *       last quarter settles the final mask); weights just pruned are not grown back in the same
 *       exchange.
 * </ul>
 *
 * Weights are {@code [in, out]} row-major, as the refinement graphs take them: output feature o is
 * the entries {@code i·out + o}.
 */
final class MaskRegrowth {
    private final float[][] params;
    private final boolean[][] frozen;
    private final int[] outFeatures;
    private final double fraction;
    private final int lastExchange;
    private final int every;
    private final double[][] gradientSum;
    private int summed;
    private long exchanged;

    /**
     * @param params the refined parameters (updated in place)
     * @param frozen their masks, true = pruned (updated in place; the optimizer reads the same arrays)
     * @param outFeatures per array, its output features when it is a weight whose mask may change, 0
     *     for arrays that keep theirs (biases)
     * @param fraction the share of each feature's kept weights exchanged at the first exchange, in (0, 1)
     * @param steps the refinement's steps
     */
    MaskRegrowth(float[][] params, boolean[][] frozen, int[] outFeatures, double fraction, int steps) {
        if (params.length != frozen.length || params.length != outFeatures.length) {
            throw new IllegalArgumentException("one mask and one feature count per parameter array");
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the exchanged fraction must be in (0, 1), not " + fraction);
        }
        this.params = params;
        this.frozen = frozen;
        this.outFeatures = outFeatures.clone();
        this.fraction = fraction;
        this.lastExchange = steps * 3 / 4;
        this.every = Math.max(1, lastExchange / 6);
        this.gradientSum = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            if (outFeatures[i] > 0) {
                if (frozen[i] == null || params[i].length % outFeatures[i] != 0) {
                    throw new IllegalArgumentException("array " + i + " needs a mask and a whole number of inputs per feature");
                }
                gradientSum[i] = new double[params[i].length];
            }
        }
    }

    /** Adds one step's gradients (the same arrays as the parameters) to the pruned weights' sums. */
    void observe(float[][] grads) {
        for (int i = 0; i < params.length; i++) {
            if (gradientSum[i] == null) {
                continue;
            }
            double[] sum = gradientSum[i];
            boolean[] f = frozen[i];
            float[] g = grads[i];
            for (int k = 0; k < sum.length; k++) {
                if (f[k]) {
                    sum[k] += g[k];
                }
            }
        }
        summed++;
    }

    /** Whether the masks are exchanged after step {@code s}. */
    boolean due(int s) {
        return s % every == 0 && s <= lastExchange && summed > 0;
    }

    /** The share of each feature's kept weights exchanged after step {@code s}. */
    double fraction(int s) {
        return s > lastExchange ? 0 : fraction * 0.5 * (1 + Math.cos(Math.PI * s / Math.max(1, lastExchange)));
    }

    /**
     * Exchanges weights after step {@code s}: prunes (zeroes and freezes) the lowest-scoring kept
     * weights of every feature and unfreezes as many pruned ones (from zero, with fresh moments in
     * {@code adam}); the gradient sums start again.
     *
     * @return how many weights were pruned (as many were grown)
     */
    int exchange(int s, MaskedAdam adam) {
        double share = fraction(s);
        int moved = 0;
        for (int i = 0; i < params.length; i++) {
            if (gradientSum[i] == null) {
                continue;
            }
            int out = outFeatures[i];
            int in = params[i].length / out;
            for (int o = 0; o < out; o++) {
                moved += exchangeFeature(i, o, in, out, share, adam);
            }
            Arrays.fill(gradientSum[i], 0);
        }
        summed = 0;
        exchanged += moved;
        return moved;
    }

    /** Weights pruned (and grown) by every exchange so far. */
    long exchanged() {
        return exchanged;
    }

    private int exchangeFeature(int i, int o, int in, int out, double share, MaskedAdam adam) {
        float[] w = params[i];
        boolean[] f = frozen[i];
        double[] sum = gradientSum[i];
        List<Integer> kept = new ArrayList<>();
        List<Integer> pruned = new ArrayList<>();
        for (int r = 0; r < in; r++) {
            int k = r * out + o;
            if (!f[k]) {
                kept.add(k);
            } else if (sum[k] != 0) {
                // a weight without gradient (its feature feeds nothing the loss sees) would stay zero if grown
                pruned.add(k);
            }
        }
        int n = Math.min((int) Math.floor(share * kept.size()), pruned.size());
        if (n == 0) {
            return 0;
        }
        // ties keep the lower index first, so a replay exchanges the same weights
        kept.sort(Comparator.comparingDouble((Integer k) -> Math.abs(w[k]) * Math.sqrt(adam.secondMoment(i, k)))
                .thenComparingInt(k -> k));
        pruned.sort(Comparator.comparingDouble((Integer k) -> -Math.abs(sum[k])).thenComparingInt(k -> k));
        for (int j = 0; j < n; j++) {
            int drop = kept.get(j);
            int grow = pruned.get(j);
            w[drop] = 0;
            f[drop] = true;
            f[grow] = false;
            w[grow] = 0;
            adam.restart(i, grow);
        }
        return n;
    }
}
