package io.vitshrink.prune.weights;

import io.vitshrink.onnx.UserException;

/**
 * Which weights are removed together, in the {@code [out, in]} view of a Linear weight.
 *
 * <p>A block pattern tiles the matrix with {@code rows × cols} blocks and removes whole blocks
 * (1×1 is unstructured sparsity; 4×4 … 32×32 are LPViT-style blocks that a block-sparse kernel can
 * skip). An N:M pattern keeps the N largest of every M consecutive input weights of each output row
 * (2:4 is what sparse tensor cores run).
 *
 * @param rows block height (output rows), 0 for N:M
 * @param cols block width (input columns), 0 for N:M
 * @param n weights kept per group, 0 for blocks
 * @param m group length, 0 for blocks
 */
public record SparsityPattern(int rows, int cols, int n, int m) {

    public SparsityPattern {
        boolean block = rows > 0 && cols > 0 && n == 0 && m == 0;
        boolean nm = rows == 0 && cols == 0 && n > 0 && m > n;
        if (!block && !nm) {
            throw new IllegalArgumentException("bad sparsity pattern " + rows + "x" + cols + " " + n + ":" + m);
        }
    }

    public static SparsityPattern block(int rows, int cols) {
        return new SparsityPattern(rows, cols, 0, 0);
    }

    public static SparsityPattern nOfM(int n, int m) {
        return new SparsityPattern(0, 0, n, m);
    }

    public static SparsityPattern unstructured() {
        return block(1, 1);
    }

    public boolean isNm() {
        return m > 0;
    }

    public boolean isUnstructured() {
        return rows == 1 && cols == 1;
    }

    /** The fraction of weights an N:M pattern removes (fixed by the pattern). */
    public double nmSparsity() {
        return isNm() ? 1.0 - (double) n / m : Double.NaN;
    }

    /** Parses {@code 4x4}, {@code 1x1}, {@code 1x4}, {@code 2:4}; {@code option} names the CLI option in errors. */
    public static SparsityPattern parse(String text, String option) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.contains(":")) {
                String[] p = t.split(":");
                int n = Integer.parseInt(p[0]);
                int m = Integer.parseInt(p[1]);
                if (p.length == 2 && n > 0 && m > n && m <= 64) {
                    return nOfM(n, m);
                }
            } else if (t.contains("x")) {
                String[] p = t.split("x");
                int r = Integer.parseInt(p[0]);
                int c = Integer.parseInt(p[1]);
                if (p.length == 2 && r >= 1 && c >= 1 && r <= 1024 && c <= 1024) {
                    return block(r, c);
                }
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // reported below
        }
        throw new UserException(option + " '" + text + "' is not a pattern: use ROWSxCOLS (1x1, 1x4, 4x4, 8x8, 16x16, 32x32) "
                + "or N:M (2:4)");
    }

    /** {@code 4x4} or {@code 2:4}: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return isNm() ? n + ":" + m : rows + "x" + cols;
    }
}
