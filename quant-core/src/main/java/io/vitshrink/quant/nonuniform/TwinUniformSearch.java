package io.vitshrink.quant.nonuniform;

import io.vitshrink.quant.nonuniform.TwinUniformQuantizer.Mode;

/**
 * PTQ4ViT's twin-uniform calibration (Yuan et al., ECCV 2022) on the consumer-product error.
 *
 * <ul>
 *   <li>Post-Softmax (no negative samples): the coarse step {@code Δ2} is a power of two near the
 *       paper's {@code 1/2^(b-1)} (scaled to the data maximum; that and its two neighbours are tried), and
 *       the split {@code t = 2^(b-1)·Δ1 = 2^(b-1)·Δ2/2^m} over {@code m = 1 … 20}: the brief's split
 *       points {@code t ∈ {2^-i}}.</li>
 *   <li>Post-GELU (negative samples): {@code Δ1} is fixed so that {@code -2^(b-1)·Δ1} is the minimum (the
 *       GELU minimum, as the paper does), and {@code Δ2 = 2^m·Δ1} is searched from the {@code m} whose grid
 *       just covers the maximum down to ten halvings below it.</li>
 * </ul>
 */
public final class TwinUniformSearch {
    private static final int MAX_SPLIT_HALVINGS = 20;
    private static final int SIGNED_HALVINGS = 10;

    private TwinUniformSearch() {
    }

    /** Post-Softmax samples {@code a [..., M, K]} and the other operand {@code b [..., K, N]} of {@code A·B}. */
    public static TwinUniformQuantizer softmax(float[] a, long[] aShape, float[] b, long[] bShape, int bits) {
        return search(ConsumerProduct.of(a, aShape, b, bShape), bits);
    }

    /** Post-GELU samples {@code x [..., K]} and the MatMul weight {@code w [K, N]} that consumes them. */
    public static TwinUniformQuantizer gelu(float[] x, long[] xShape, float[] w, long[] wShape, int bits) {
        return search(ConsumerProduct.ofLinear(x, xShape, w, wShape, false), bits);
    }

    /** Softmax mode when the samples have no negatives, signed mode otherwise. */
    public static Mode modeFor(ConsumerProduct p) {
        return p.range()[0] < 0 ? Mode.SIGNED : Mode.SOFTMAX;
    }

    /**
     * The unsearched quantizer. Softmax: {@code Δ2 = 2^(⌈log2 max⌉ - (b-1))} (= {@code 1/2^(b-1)} for
     * max ≤ 1) and {@code m = b - 1}. Signed: {@code Δ1 = -min/2^(b-1)} and the smallest {@code m} whose
     * grid covers the maximum.
     */
    public static TwinUniformQuantizer initial(ConsumerProduct p, int bits) {
        float[] range = p.range();
        if (modeFor(p) == Mode.SOFTMAX) {
            int e = coarseExponent(range[1], bits);
            return new TwinUniformQuantizer(bits, Mode.SOFTMAX, Math.scalb(1f, e - (bits - 1)), bits - 1);
        }
        float delta1 = negativeStep(range[0], bits);
        return new TwinUniformQuantizer(bits, Mode.SIGNED, delta1, coverExponent(range[1], delta1, bits));
    }

    public static TwinUniformQuantizer search(ConsumerProduct p, int bits) {
        float[] range = p.range();
        Candidates<TwinUniformQuantizer> c = new Candidates<>(p);
        c.offer(() -> initial(p, bits));
        if (modeFor(p) == Mode.SOFTMAX) {
            int e0 = coarseExponent(range[1], bits);
            for (int e = e0 - 1; e <= e0 + 1; e++) {
                for (int m = 1; m <= MAX_SPLIT_HALVINGS; m++) {
                    int exponent = e;
                    int halvings = m;
                    c.offer(() -> new TwinUniformQuantizer(bits, Mode.SOFTMAX, Math.scalb(1f, exponent - halvings), halvings));
                }
            }
        } else {
            float delta1 = negativeStep(range[0], bits);
            int cover = coverExponent(range[1], delta1, bits);
            for (int m = cover - SIGNED_HALVINGS; m <= cover + 2; m++) {
                int exponent = m;
                c.offer(() -> new TwinUniformQuantizer(bits, Mode.SIGNED, delta1, exponent));
            }
        }
        return c.best();
    }

    /** {@code log2 Δ2}: {@code ⌈log2 max⌉ - (b-1)}, so that {@code 2^(b-1)·Δ2} is the power of two ≥ max. */
    private static int coarseExponent(float max, int bits) {
        int top = max > 0 ? Math.getExponent(max) + (max == Math.scalb(1f, Math.getExponent(max)) ? 0 : 1) : 0;
        return top - (bits - 1);
    }

    private static float negativeStep(float min, int bits) {
        float d = -min / (1 << (bits - 1));
        return d >= Float.MIN_NORMAL ? d : Float.MIN_NORMAL;
    }

    /** The smallest {@code m} with {@code (2^(b-1) - 1)·2^m·Δ1 ≥ max} (0 when max ≤ 0). */
    private static int coverExponent(float max, float delta1, int bits) {
        if (!(max > 0)) {
            return 0;
        }
        int top = (1 << (bits - 1)) - 1;
        int m = (int) Math.ceil(Math.log(max / ((double) top * delta1)) / Math.log(2));
        while ((double) top * Math.scalb((double) delta1, m) < max) {
            m++;
        }
        while ((double) top * Math.scalb((double) delta1, m - 1) >= max) {
            m--;
        }
        return Math.max(-64, Math.min(64, m));
    }
}
