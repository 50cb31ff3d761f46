package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks an activation quantizer per tensor: every candidate kind is calibrated by its own search on the
 * same objective, the mean squared error of the consuming matrix product ({@link ConsumerProduct}), and
 * the lowest error wins (on a tie, the kind listed first, so the uniform grid wins ties).
 *
 * <p>Searches run on at most {@code maxRows} rows of the samples ({@link ConsumerProduct#subsample});
 * the reported errors, and the choice, are on all of them.
 */
public final class AutoSelector {
    /** Rows the searches look at by default. */
    public static final int DEFAULT_MAX_ROWS = 1024;

    /**
     * One tried kind.
     *
     * @param kind the quantizer kind
     * @param quantizer its searched quantizer
     * @param error {@code mean((Â·B - A·B)²)}
     * @param relativeError {@code error / mean((A·B)²)}
     */
    public record Candidate(String kind, NonUniformQuantizer quantizer, double error, double relativeError) {
    }

    /**
     * @param chosen the quantizer with the lowest error
     * @param candidates every kind tried, in the order tried
     */
    public record Selection(NonUniformQuantizer chosen, List<Candidate> candidates) {

        public Selection {
            candidates = List.copyOf(candidates);
        }

        /** Kind → product error, in the order tried. */
        public Map<String, Double> errors() {
            Map<String, Double> m = new LinkedHashMap<>();
            candidates.forEach(c -> m.put(c.kind(), c.error()));
            return m;
        }

        /** Kind → relative product error, in the order tried. */
        public Map<String, Double> relativeErrors() {
            Map<String, Double> m = new LinkedHashMap<>();
            candidates.forEach(c -> m.put(c.kind(), c.relativeError()));
            return m;
        }
    }

    private AutoSelector() {
    }

    /** Every kind of {@link NonUniformQuantizer#KINDS} that exists at {@code bits}. */
    public static Selection select(ConsumerProduct p, int bits) {
        return select(p, bits, NonUniformQuantizer.KINDS, DEFAULT_MAX_ROWS);
    }

    /** {@link #select(ConsumerProduct, int)} on {@code A·B} samples ({@link ConsumerProduct#of}). */
    public static Selection select(float[] a, long[] aShape, float[] b, long[] bShape, int bits) {
        return select(ConsumerProduct.of(a, aShape, b, bShape), bits);
    }

    /**
     * @param kinds the kinds to try (log kinds are skipped above {@link LogQuantizer#MAX_BITS} bits)
     * @throws UserException for an unknown kind or when no kind fits the bit width
     */
    public static Selection select(ConsumerProduct p, int bits, List<String> kinds, int maxRows) {
        ConsumerProduct searchOn = p.subsample(maxRows, 0);
        List<Candidate> tried = new ArrayList<>();
        Candidate best = null;
        for (String kind : kinds) {
            NonUniformQuantizer q = searched(kind, searchOn, bits);
            if (q == null) {
                continue;
            }
            double e = p.error(q);
            double ref = p.referenceMeanSquare();
            Candidate c = new Candidate(kind, q, e, ref > 0 ? e / ref : e == 0 ? 0 : Double.POSITIVE_INFINITY);
            tried.add(c);
            if (best == null || e < best.error()) {
                best = c;
            }
        }
        if (best == null) {
            throw new UserException("no quantizer of " + kinds + " exists at " + bits + " bits");
        }
        return new Selection(best.quantizer(), tried);
    }

    /** The kind's searched quantizer, or null when the kind does not exist at this width. */
    static NonUniformQuantizer searched(String kind, ConsumerProduct p, int bits) {
        boolean logFits = bits >= LogQuantizer.MIN_BITS && bits <= LogQuantizer.MAX_BITS;
        return switch (kind) {
            case NonUniformQuantizer.UNIFORM -> UniformSearch.search(p, bits);
            case NonUniformQuantizer.LOG2 -> logFits ? LogSearch.log2(p, bits) : null;
            case NonUniformQuantizer.LOG_SQRT2 -> logFits ? LogSearch.logSqrt2(p, bits) : null;
            case NonUniformQuantizer.ADALOG -> logFits ? AdaLogSearch.search(p, bits) : null;
            case NonUniformQuantizer.TWIN_UNIFORM -> bits >= TwinUniformQuantizer.MIN_BITS
                    && bits <= TwinUniformQuantizer.MAX_BITS ? TwinUniformSearch.search(p, bits) : null;
            default -> throw new UserException("unknown quantizer kind '" + kind + "'; use one of "
                    + NonUniformQuantizer.KINDS);
        };
    }
}
