package io.vitshrink.quant.observers;

/**
 * The KL-divergence threshold search of TensorRT (Migacz, "8-bit Inference with TensorRT", GTC 2017),
 * generalised to windows [a, b) of a {@link DensityGrid} so that affine ranges can clip either tail.
 *
 * <p>For a window: the reference P is the grid restricted to the window with the mass outside added to
 * the two edge bins; the candidate Q merges the window's bins (without the outside mass) into
 * {@code levels} groups (bin j → level ⌊(j − a)·levels / (b − a)⌋, as NVIDIA's pytorch-quantization
 * does) and spreads each group's mass evenly over the bins where P &gt; 0 (as MXNet's and ONNX Runtime's
 * {@code get_optimal_threshold}: an empty edge bin that receives clipped mass shares its group's mass).
 * The divergence is KL(P‖Q) = Σ P log(P/Q) after normalising both; a group with P &gt; 0 but no mass of
 * its own makes it infinite. Prefix sums make a window cost O(levels), not O(b − a).
 *
 * <p>One guard TensorRT does not have: a window that clips more than {@link #MAX_CLIPPED} of the mass is
 * never chosen. KL compares shapes after normalising both sides, so it cannot see mass that was clipped
 * away: for data far from 0 (e.g. all in [−4, −1], where the window must still reach 0) a window holding
 * only the data's edge bin would score ≈ 0. Thresholds TensorRT picks on real activations clip orders
 * of magnitude less than this.
 */
final class KlThresholdSearch {

    private final int n;
    private final int levels;
    private final double[] h;
    private final double[] mass;   // prefix sums of h
    private final int[] nonEmpty;  // prefix counts of h > 0
    private final double[] hLogH;  // prefix sums of h log h
    private final double total;

    /** Largest fraction of the values a window may clip. */
    static final double MAX_CLIPPED = 0.01;

    KlThresholdSearch(DensityGrid grid, int levels) {
        this.h = grid.mass;
        this.n = h.length;
        this.levels = levels;
        mass = new double[n + 1];
        nonEmpty = new int[n + 1];
        hLogH = new double[n + 1];
        for (int i = 0; i < n; i++) {
            mass[i + 1] = mass[i] + h[i];
            nonEmpty[i + 1] = nonEmpty[i] + (h[i] > 0 ? 1 : 0);
            hLogH[i + 1] = hLogH[i] + xLogX(h[i]);
        }
        total = mass[n];
    }

    /** The smallest window a search may consider: one grid bin per level. */
    int minWindow() {
        return levels;
    }

    /** KL(P‖Q) for the window [a, b); needs b − a ≥ levels. */
    double divergence(int a, int b) {
        int w = b - a;
        double outLow = mass[a];
        double outHigh = total - mass[b];
        double inside = mass[b] - mass[a];
        if (inside <= 0 || outLow + outHigh > MAX_CLIPPED * total) {
            return Double.POSITIVE_INFINITY;
        }
        // an edge bin that is empty but receives clipped mass is part of P's support
        int extraLow = outLow > 0 && !(h[a] > 0) ? 1 : 0;
        int extraHigh = outHigh > 0 && !(h[b - 1] > 0) ? 1 : 0;
        double pLogP = hLogH[b - 1] - hLogH[a + 1] + xLogX(h[a] + outLow) + xLogX(h[b - 1] + outHigh);
        double pLogQ = 0;
        for (int l = 0; l < levels; l++) {
            int s = a + ceilDiv((long) l * w, levels);
            int e = a + ceilDiv((long) (l + 1) * w, levels);
            double clipped = (s == a ? outLow : 0) + (e == b ? outHigh : 0);
            int support = nonEmpty[e] - nonEmpty[s] + (s == a ? extraLow : 0) + (e == b ? extraHigh : 0);
            double levelMass = mass[e] - mass[s];
            if (support == 0) {
                continue;
            }
            if (!(levelMass > 0)) {
                return Double.POSITIVE_INFINITY; // P > 0 where Q = 0
            }
            pLogQ += (levelMass + clipped) * Math.log(levelMass / support);
        }
        return (pLogP - pLogQ) / total - Math.log(total) + Math.log(inside);
    }

    /** The end b ∈ [from, to] minimising the divergence of [a, b), or -1 if none is finite. */
    int bestEnd(int a, int from, int to) {
        int best = -1;
        double bestKl = Double.POSITIVE_INFINITY;
        for (int b = Math.max(from, a + levels); b <= Math.min(to, n); b++) {
            double kl = divergence(a, b);
            if (kl < bestKl) {
                bestKl = kl;
                best = b;
            }
        }
        return best;
    }

    private static int ceilDiv(long x, int y) {
        return (int) ((x + y - 1) / y);
    }

    private static double xLogX(double x) {
        return x > 0 ? x * Math.log(x) : 0;
    }
}
