package io.vitshrink.quant.nonuniform;

import java.util.ArrayList;
import java.util.List;

/**
 * The uniform baseline, with its range searched on the same objective as the others (the
 * consumer-product error): unsigned affine per tensor ({@code UniformParams.fromRanges}), the upper end
 * among the maximum times {@code 1 - i/20} ({@code i < 16}) and the 99/99.9/99.99/99.999th percentiles,
 * the lower end among the minimum and the 0.01st percentile when there are negatives.
 */
public final class UniformSearch {

    private UniformSearch() {
    }

    /** The unsearched min/max grid. */
    public static UniformActivationQuantizer minMax(ConsumerProduct p, int bits) {
        float[] range = p.range();
        return UniformActivationQuantizer.ofRange(bits, range[0], range[1]);
    }

    public static UniformActivationQuantizer search(ConsumerProduct p, int bits) {
        float[] range = p.range();
        float[] q = p.quantiles(0.0001, 0.99, 0.999, 0.9999, 0.99999);
        List<Float> highs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            highs.add(range[1] * (1 - i / 20f));
        }
        for (int i = 1; i < q.length; i++) {
            highs.add(q[i]);
        }
        List<Float> lows = new ArrayList<>(List.of(range[0]));
        if (range[0] < 0) {
            lows.add(q[0]);
        }
        Candidates<UniformActivationQuantizer> c = new Candidates<>(p);
        c.offer(() -> minMax(p, bits));
        for (float lo : lows.stream().distinct().toList()) {
            for (float hi : highs.stream().distinct().toList()) {
                c.offer(() -> UniformActivationQuantizer.ofRange(bits, lo, hi));
            }
        }
        return c.best();
    }
}
