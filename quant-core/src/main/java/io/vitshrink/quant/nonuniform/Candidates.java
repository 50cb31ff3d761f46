package io.vitshrink.quant.nonuniform;

import java.util.function.Supplier;

/** Keeps the candidate with the lowest consumer-product error (the first one on ties). */
final class Candidates<Q extends NonUniformQuantizer> {
    private final ConsumerProduct product;
    private Q best;
    private double bestError = Double.POSITIVE_INFINITY;

    Candidates(ConsumerProduct product) {
        this.product = product;
    }

    /** Scores a candidate; one that cannot be built (e.g. a step below the float range) is skipped. */
    double offer(Supplier<Q> candidate) {
        Q q;
        try {
            q = candidate.get();
        } catch (RuntimeException e) {
            return Double.POSITIVE_INFINITY;
        }
        double e = product.error(q);
        if (e < bestError || best == null) {
            best = q;
            bestError = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        }
        return e;
    }

    Q best() {
        return best;
    }

    double bestError() {
        return bestError;
    }
}
