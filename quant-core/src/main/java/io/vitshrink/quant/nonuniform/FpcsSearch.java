package io.vitshrink.quant.nonuniform;

import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Fast Progressive Combining Search of AdaLog (Wu et al., "AdaLog: Post-Training Quantization for
 * Vision Transformers with Adaptive Logarithm Quantizer", 2024) for an unsigned affine per-tensor
 * quantizer, on the consuming product's error ({@link ConsumerProduct}, the objective every search
 * here uses). The two parameters are searched together rather than one after the other:
 *
 * <ol>
 *   <li>coarse grid: scales {@code s₀·γ} with γ ∈ {1.00, 0.925, …, 0.25} (s₀ the min/max step) ×
 *       zero points {@code z₀ + k·Δz}, k ∈ {-2 … 2} (z₀ the min/max zero point, Δz = max(1, qmax/16)),
 *       plus the caller's seed (the observer's range), which therefore bounds the result's error;</li>
 *   <li>keep the best {@value #KEEP};</li>
 *   <li>{@value #ROUNDS} refinement rounds: each kept candidate tries its 8 neighbours at (γ ± δγ,
 *       z ± δz), δγ and δz halving each round (δz ≥ 1), the best {@value #KEEP} of everything seen
 *       kept.</li>
 * </ol>
 *
 * About 55 + {@value #ROUNDS}·{@value #KEEP}·8 products per tensor, on at most {@value #SEARCH_ROWS}
 * rows of the samples. Ties keep the earlier candidate, so the seed wins when nothing is better.
 */
public final class FpcsSearch {
    static final int SEARCH_ROWS = 256;
    static final int KEEP = 3;
    static final int ROUNDS = 3;
    private static final double GAMMA_STEP = 0.075;

    private FpcsSearch() {
    }

    private record Candidate(double gamma, int zeroPoint, UniformActivationQuantizer quantizer, double error, int order) {
    }

    /**
     * @param seed the range to beat (the observer's), or null
     */
    public static UniformActivationQuantizer search(ConsumerProduct product, int bits, UniformActivationQuantizer seed) {
        ConsumerProduct p = product.rows() > SEARCH_ROWS ? product.subsample(SEARCH_ROWS, 0) : product;
        UniformSpec spec = UniformSpec.activations(bits);
        int qmax = spec.qmax();
        float[] range = p.range();
        float lo = Math.min(range[0], 0f);
        float hi = Math.max(range[1], 0f);
        UniformActivationQuantizer base = UniformActivationQuantizer.ofRange(bits, lo, hi);
        double s0 = base.scale();
        int z0 = base.zeroPoint();
        int dz = Math.max(1, qmax / 16);
        Map<String, Candidate> seen = new HashMap<>();
        List<Candidate> all = new ArrayList<>();
        if (seed != null) {
            add(p, seed, Double.NaN, seed.zeroPoint(), seen, all);
        }
        for (int g = 0; g <= 10; g++) {
            double gamma = 1 - g * GAMMA_STEP;
            for (int k = -2; k <= 2; k++) {
                add(p, candidate(spec, s0 * gamma, z0 + k * dz), gamma, z0 + k * dz, seen, all);
            }
        }
        double dGamma = GAMMA_STEP / 2;
        int dZero = Math.max(1, dz / 2);
        for (int round = 0; round < ROUNDS; round++) {
            List<Candidate> kept = best(all, KEEP);
            for (Candidate c : kept) {
                if (Double.isNaN(c.gamma)) {
                    continue; // the seed is not on the γ grid; its neighbours are the grid's
                }
                for (int a = -1; a <= 1; a++) {
                    for (int b = -1; b <= 1; b++) {
                        if (a == 0 && b == 0) {
                            continue;
                        }
                        double gamma = c.gamma + a * dGamma;
                        int z = c.zeroPoint + b * dZero;
                        if (gamma > 0) {
                            add(p, candidate(spec, s0 * gamma, z), gamma, z, seen, all);
                        }
                    }
                }
            }
            dGamma /= 2;
            dZero = Math.max(1, dZero / 2);
        }
        return best(all, 1).get(0).quantizer;
    }

    /** A grid with this scale and zero point (clamped to the integer range), or null when not representable. */
    private static UniformActivationQuantizer candidate(UniformSpec spec, double scale, int zeroPoint) {
        float s = (float) Math.max(scale, UniformParams.MIN_SCALE);
        int z = Math.max(spec.qmin(), Math.min(spec.qmax(), zeroPoint));
        return new UniformActivationQuantizer(new UniformParams(spec, new float[] {s}, new int[] {z}, 0));
    }

    private static void add(ConsumerProduct p, UniformActivationQuantizer q, double gamma, int zeroPoint,
            Map<String, Candidate> seen, List<Candidate> all) {
        String key = Float.floatToIntBits(q.scale()) + ":" + q.zeroPoint();
        if (seen.containsKey(key)) {
            return;
        }
        double e = p.error(q);
        Candidate c = new Candidate(gamma, q.zeroPoint(), q, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e, all.size());
        seen.put(key, c);
        all.add(c);
    }

    private static List<Candidate> best(List<Candidate> all, int n) {
        return all.stream().sorted(Comparator.comparingDouble(Candidate::error).thenComparingInt(Candidate::order))
                .limit(n).toList();
    }
}
