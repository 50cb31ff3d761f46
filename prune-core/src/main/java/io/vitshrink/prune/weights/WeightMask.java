package io.vitshrink.prune.weights;

import java.util.Base64;
import java.util.BitSet;

/**
 * Which weights of a {@code [out, in]} matrix are removed, stored per unit of the pattern: one bit
 * per block (row-major over the block grid, partial blocks at the edges included) for block
 * patterns, one bit per weight for N:M. That is what the plan stores (base64).
 */
public final class WeightMask {
    private final SparsityPattern pattern;
    private final int out;
    private final int in;
    private final BitSet prunedUnits;

    public WeightMask(SparsityPattern pattern, int out, int in, BitSet prunedUnits) {
        this.pattern = pattern;
        this.out = out;
        this.in = in;
        this.prunedUnits = (BitSet) prunedUnits.clone();
        if (prunedUnits.length() > units()) {
            throw new IllegalArgumentException("mask has bits beyond its " + units() + " units");
        }
    }

    public SparsityPattern pattern() {
        return pattern;
    }

    public int out() {
        return out;
    }

    public int in() {
        return in;
    }

    /** Blocks (or weights for N:M) the mask has bits for. */
    public int units() {
        return pattern.isNm() ? out * in : blockRows() * blockCols();
    }

    public int blockRows() {
        return pattern.isNm() ? out : (out + pattern.rows() - 1) / pattern.rows();
    }

    public int blockCols() {
        return pattern.isNm() ? in : (in + pattern.cols() - 1) / pattern.cols();
    }

    public boolean isUnitPruned(int unit) {
        return prunedUnits.get(unit);
    }

    /** pruned[r*in + c] for every weight. */
    public boolean[] elements() {
        boolean[] p = new boolean[out * in];
        if (pattern.isNm()) {
            for (int i = prunedUnits.nextSetBit(0); i >= 0; i = prunedUnits.nextSetBit(i + 1)) {
                p[i] = true;
            }
            return p;
        }
        int bc = blockCols();
        for (int b = prunedUnits.nextSetBit(0); b >= 0; b = prunedUnits.nextSetBit(b + 1)) {
            int r0 = (b / bc) * pattern.rows();
            int c0 = (b % bc) * pattern.cols();
            for (int r = r0; r < Math.min(out, r0 + pattern.rows()); r++) {
                for (int c = c0; c < Math.min(in, c0 + pattern.cols()); c++) {
                    p[r * in + c] = true;
                }
            }
        }
        return p;
    }

    public long prunedWeights() {
        long n = 0;
        for (boolean b : elements()) {
            n += b ? 1 : 0;
        }
        return n;
    }

    public double sparsity() {
        return (double) prunedWeights() / ((long) out * in);
    }

    public String toBase64() {
        byte[] bytes = prunedUnits.toByteArray();
        return Base64.getEncoder().encodeToString(bytes);
    }

    public static WeightMask fromBase64(SparsityPattern pattern, int out, int in, String text) {
        return new WeightMask(pattern, out, in, BitSet.valueOf(Base64.getDecoder().decode(text)));
    }
}
