package io.vitshrink.prune.weights;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Turns per-weight scores into a {@link WeightMask}: a block's score is the sum of its weights'
 * scores and the lowest-scoring blocks go first, until the requested fraction of weights is
 * removed. Blocks are ranked over the whole layer, or per band of output rows (one row for
 * unstructured: Wanda's per-output comparison group, which keeps every row alive; the block height
 * for blocks), so that no band of outputs loses more than the others. N:M keeps
 * the N best of every M consecutive inputs of each row (the sparsity is the pattern's).
 */
public final class MaskSelector {

    private MaskSelector() {
    }

    public static WeightMask select(double[] scores, int out, int in, SparsityPattern pattern, double sparsity, boolean perRow) {
        if (pattern.isNm()) {
            return nOfM(scores, out, in, pattern);
        }
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), not " + sparsity);
        }
        WeightMask shapeOnly = new WeightMask(pattern, out, in, new BitSet());
        int bc = shapeOnly.blockCols();
        int br = shapeOnly.blockRows();
        double[] blockScore = new double[br * bc];
        int[] blockSize = new int[br * bc];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                int b = (r / pattern.rows()) * bc + c / pattern.cols();
                blockScore[b] += scores[r * in + c];
                blockSize[b]++;
            }
        }
        BitSet pruned = new BitSet(br * bc);
        if (perRow) { // each band of pattern.rows() output rows loses the same fraction
            for (int r = 0; r < br; r++) {
                long bandWeights = (long) Math.min(pattern.rows(), out - r * pattern.rows()) * in;
                pruneLowest(blockScore, blockSize, r * bc, bc, Math.round(sparsity * bandWeights), pruned);
            }
        } else {
            pruneLowest(blockScore, blockSize, 0, br * bc, Math.round(sparsity * (double) out * in), pruned);
        }
        return new WeightMask(pattern, out, in, pruned);
    }

    /** Prunes the lowest-scoring of {@code count} blocks starting at {@code first} until {@code target} weights are gone. */
    private static void pruneLowest(double[] score, int[] size, int first, int count, long target, BitSet pruned) {
        Integer[] order = IntStream.range(first, first + count).boxed().toArray(Integer[]::new);
        // ties broken by position, so the mask is deterministic
        Arrays.sort(order, Comparator.<Integer>comparingDouble(b -> score[b]).thenComparingInt(b -> b));
        long removed = 0;
        for (int b : order) {
            if (removed + size[b] / 2 >= target) { // stop at the block count closest to the target
                break;
            }
            pruned.set(b);
            removed += size[b];
        }
    }

    private static WeightMask nOfM(double[] scores, int out, int in, SparsityPattern pattern) {
        BitSet pruned = new BitSet(out * in);
        int m = pattern.m();
        for (int r = 0; r < out; r++) {
            for (int g = 0; g < in; g += m) {
                int len = Math.min(m, in - g);
                int drop = len - Math.min(len, pattern.n());
                if (len < m) {
                    drop = (int) Math.floor(len * (1.0 - (double) pattern.n() / m)); // a short tail group keeps the ratio
                }
                int base = r * in + g;
                Integer[] idx = IntStream.range(0, len).boxed().toArray(Integer[]::new);
                Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> scores[base + i]).thenComparingInt(i -> i));
                for (int k = 0; k < drop; k++) {
                    pruned.set(base + idx[k]);
                }
            }
        }
        return new WeightMask(pattern, out, in, pruned);
    }
}
