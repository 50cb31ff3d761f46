package io.vitshrink.quant.nonuniform;

/**
 * The search of AdaLog's base and scale on the consumer-product error (Wu et al., ECCV 2024): for a
 * post-Softmax {@code A} the error of {@code A·V}, for a post-GELU {@code X} that of {@code X·W}.
 *
 * <p>{@code r = 37} is fixed; {@code τ} runs over 2…110 (bases {@code 2^0.054 … 2^2.97}; the paper's grid is
 * 10…110, the small bases help at 6 and 8 bits), coarse to fine (every 4th, then the neighbours of the best), alternating with a scale search
 * ({@link LogSearch#scaleCandidates}) in the spirit of the paper's Fast Progressive Combining Search.
 * Values in [0, 1] keep scale 1 to start with, as in the paper; data with negatives is shifted by
 * {@code -min} (the GELU minimum ≈ 0.17 for post-GELU values) and starts from scale {@code max + shift}.
 */
public final class AdaLogSearch {
    public static final int TAU_MIN = 2;
    public static final int TAU_MAX = 110;
    private static final int COARSE_STEP = 4;
    private static final int ROUNDS = 2;

    private AdaLogSearch() {
    }

    /**
     * The post-Softmax search of the brief: {@code a} holds attention samples {@code [..., M, K]} and
     * {@code v} the value samples {@code [..., K, N]} of the {@code A·V} that consumes them.
     */
    public static AdaLogQuantizer search(float[] a, long[] aShape, float[] v, long[] vShape, int bits) {
        return search(ConsumerProduct.of(a, aShape, v, vShape), bits);
    }

    /** The unsearched quantizer: τ = r (base 2), the initial scale and shift of {@link LogSearch}. */
    public static AdaLogQuantizer initial(ConsumerProduct p, int bits) {
        float[] init = LogSearch.initialScaleAndShift(p);
        return new AdaLogQuantizer(bits, AdaLogQuantizer.DEFAULT_R, AdaLogQuantizer.DEFAULT_R, init[0], init[1]);
    }

    public static AdaLogQuantizer search(ConsumerProduct p, int bits) {
        float[] init = LogSearch.initialScaleAndShift(p);
        float shift = init[1];
        int r = AdaLogQuantizer.DEFAULT_R;
        Candidates<AdaLogQuantizer> c = new Candidates<>(p);
        c.offer(() -> initial(p, bits));
        float scale = init[0];
        int tau = 0;
        for (int round = 0; round < ROUNDS; round++) {
            tau = round == 0 ? searchTau(c, p, bits, r, scale, shift) : refineTau(c, bits, r, tau, scale, shift);
            int t = tau;
            for (float s : LogSearch.scaleCandidates(p, scale, shift)) {
                c.offer(() -> new AdaLogQuantizer(bits, t, r, s, shift));
            }
            scale = c.best().scale();
            tau = c.best().tau();
        }
        return c.best();
    }

    /** The neighbours of {@code tau} within the coarse step, at a new scale. */
    private static int refineTau(Candidates<AdaLogQuantizer> c, int bits, int r, int tau, float scale, float shift) {
        int bestTau = tau;
        double best = Double.POSITIVE_INFINITY;
        for (int t = Math.max(TAU_MIN, tau - COARSE_STEP + 1); t <= Math.min(TAU_MAX, tau + COARSE_STEP - 1); t++) {
            int candidate = t;
            double e = c.offer(() -> new AdaLogQuantizer(bits, candidate, r, scale, shift));
            if (e < best) {
                best = e;
                bestTau = t;
            }
        }
        return bestTau;
    }

    private static int searchTau(Candidates<AdaLogQuantizer> c, ConsumerProduct p, int bits, int r, float scale, float shift) {
        int bestTau = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int tau = TAU_MIN; tau <= TAU_MAX; tau += COARSE_STEP) {
            int t = tau;
            double e = c.offer(() -> new AdaLogQuantizer(bits, t, r, scale, shift));
            if (e < best) {
                best = e;
                bestTau = tau;
            }
        }
        int center = bestTau;
        for (int tau = Math.max(TAU_MIN, center - COARSE_STEP + 1); tau <= Math.min(TAU_MAX, center + COARSE_STEP - 1); tau++) {
            if (tau == center) {
                continue;
            }
            int t = tau;
            double e = c.offer(() -> new AdaLogQuantizer(bits, t, r, scale, shift));
            if (e < best) {
                best = e;
                bestTau = tau;
            }
        }
        return bestTau;
    }
}
