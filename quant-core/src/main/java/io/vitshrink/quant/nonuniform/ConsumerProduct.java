package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Calibration samples of an activation {@code A} and of the other operand {@code B} of the matrix
 * product that consumes it, {@code Y = A·B}: the objective of every search here is the mean squared
 * error of {@code Y}, {@code mean((Â·B - A·B)²)}, not of {@code A} alone (AdaLog and PTQ4ViT search this
 * way: a post-Softmax {@code A} is judged through {@code A·V}, a post-GELU {@code X} through
 * {@code X·W_fc2}).
 *
 * <p>{@code A} has shape {@code [..., M, K]}. {@code B} is {@code [K, N]} (a weight, shared by every row)
 * or {@code [..., K, N]} with leading dimensions that broadcast to {@code A}'s (e.g. {@code V} of
 * {@code [batch, heads, tokens, head_dim]} for {@code A = [batch, heads, tokens, tokens]}). The quantized
 * tensor is the left operand. Each row of {@code A} is scored independently, so {@link #subsample} keeps
 * a search affordable on large calibration sets.
 */
public final class ConsumerProduct {
    private static final int CHUNKS = 16;
    private final float[] a;
    private final int rows;
    private final int k;
    private final int n;
    private final float[] b;
    private final int[] rowOffsetB;
    private final double referenceMeanSquare;

    private ConsumerProduct(float[] a, int rows, int k, int n, float[] b, int[] rowOffsetB) {
        this.a = a;
        this.rows = rows;
        this.k = k;
        this.n = n;
        this.b = b;
        this.rowOffsetB = rowOffsetB;
        double s = 0;
        float[] out = new float[n];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(out, 0);
            accumulate(a, r, null, out);
            for (float v : out) {
                s += (double) v * v;
            }
        }
        this.referenceMeanSquare = rows == 0 ? 0 : s / ((double) rows * n);
    }

    /**
     * {@code A·B} with {@code A = [..., M, K]} and {@code B = [K, N]} or {@code [..., K, N]} (leading
     * dimensions broadcast to {@code A}'s, right-aligned; a 1 repeats).
     *
     * @throws UserException when the shapes do not multiply
     */
    public static ConsumerProduct of(float[] a, long[] aShape, float[] b, long[] bShape) {
        check(a, aShape, "A");
        check(b, bShape, "B");
        if (aShape.length < 2 || bShape.length < 2) {
            throw new UserException("a matrix product needs operands of rank ≥ 2, not " + Arrays.toString(aShape) + " · "
                    + Arrays.toString(bShape));
        }
        int k = Math.toIntExact(aShape[aShape.length - 1]);
        long m = aShape[aShape.length - 2];
        if (bShape[bShape.length - 2] != k) {
            throw new UserException("cannot multiply " + Arrays.toString(aShape) + " by " + Arrays.toString(bShape)
                    + ": the inner dimensions differ");
        }
        int n = Math.toIntExact(bShape[bShape.length - 1]);
        int leadA = aShape.length - 2;
        int leadB = bShape.length - 2;
        if (leadB > leadA) {
            for (int i = 0; i < leadB - leadA; i++) {
                if (bShape[i] != 1) {
                    throw new UserException("B " + Arrays.toString(bShape) + " has more batch dimensions than A "
                            + Arrays.toString(aShape));
                }
            }
        }
        int batches = Math.toIntExact(Arrays.stream(aShape, 0, leadA).reduce(1, (x, y) -> x * y));
        int rows = Math.toIntExact(batches * m);
        int[] offset = new int[rows];
        long matrix = (long) k * n;
        for (int batch = 0; batch < batches; batch++) {
            // B's matrix index for this batch index of A, broadcasting right-aligned dimensions
            long rest = batch;
            long indexB = 0;
            long strideB = 1;
            for (int d = leadA - 1; d >= 0; d--) {
                long coordinate = rest % aShape[d];
                rest /= aShape[d];
                int db = d - (leadA - leadB);
                if (db >= 0) {
                    long size = bShape[db];
                    if (size != 1 && size != aShape[d]) {
                        throw new UserException("batch dimensions of A " + Arrays.toString(aShape) + " and B "
                                + Arrays.toString(bShape) + " do not broadcast");
                    }
                    indexB += (size == 1 ? 0 : coordinate) * strideB;
                    strideB *= size;
                }
            }
            for (int row = 0; row < m; row++) {
                offset[(int) (batch * m + row)] = Math.toIntExact(indexB * matrix);
            }
        }
        return new ConsumerProduct(a, rows, k, n, b, offset);
    }

    /**
     * A linear layer {@code X·W} (MatMul weight {@code [in, out]}) or, with {@code transposed},
     * {@code X·Wᵀ} (Gemm {@code transB=1} / PyTorch weight {@code [out, in]}).
     */
    public static ConsumerProduct ofLinear(float[] x, long[] xShape, float[] w, long[] wShape, boolean transposed) {
        if (wShape.length != 2) {
            throw new UserException("a linear weight has rank 2, not " + Arrays.toString(wShape));
        }
        if (!transposed) {
            return of(x, xShape, w, wShape);
        }
        int out = Math.toIntExact(wShape[0]);
        int in = Math.toIntExact(wShape[1]);
        check(w, wShape, "W");
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = w[o * in + i];
            }
        }
        return of(x, xShape, t, new long[] {in, out});
    }

    /**
     * {@code Y = L·X} with the quantized activation {@code X} as the <em>right</em> operand (k of q·kᵀ, V of
     * attn·V), scored as {@code Yᵀ = Xᵀ·Lᵀ}: the same error, with the quantized operand on the left.
     * Both are {@code [..., rows, cols]} with the same leading dimensions.
     */
    public static ConsumerProduct ofRight(float[] left, long[] leftShape, float[] x, long[] xShape) {
        check(left, leftShape, "L");
        check(x, xShape, "X");
        if (leftShape.length < 2 || xShape.length < 2) {
            throw new UserException("a matrix product needs operands of rank ≥ 2, not " + Arrays.toString(leftShape) + " · "
                    + Arrays.toString(xShape));
        }
        return of(transposeLast2(x, xShape), swapLast2(xShape), transposeLast2(left, leftShape), swapLast2(leftShape));
    }

    private static long[] swapLast2(long[] shape) {
        long[] s = shape.clone();
        s[s.length - 1] = shape[shape.length - 2];
        s[s.length - 2] = shape[shape.length - 1];
        return s;
    }

    private static float[] transposeLast2(float[] v, long[] shape) {
        int rows = Math.toIntExact(shape[shape.length - 2]);
        int cols = Math.toIntExact(shape[shape.length - 1]);
        int matrix = rows * cols;
        float[] t = new float[v.length];
        for (int base = 0; base < v.length; base += matrix) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[base + c * rows + r] = v[base + r * cols + c];
                }
            }
        }
        return t;
    }

    private static void check(float[] values, long[] shape, String what) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new UserException(what + " has a negative dimension: " + Arrays.toString(shape));
            }
            count *= d;
        }
        if (count != values.length) {
            throw new UserException(what + " has " + values.length + " values but shape " + Arrays.toString(shape));
        }
    }

    /** The samples of the quantized operand (not a copy: do not modify). */
    float[] activations() {
        return a;
    }

    public int rows() {
        return rows;
    }

    /** Values in the quantized operand. */
    public int size() {
        return rows * k;
    }

    /** {@code mean((A·B)²)}: divide an error by it for a relative error. */
    public double referenceMeanSquare() {
        return referenceMeanSquare;
    }

    /**
     * {@code mean((Â·B - A·B)²)} for a candidate {@code Â} of the same layout as {@code A}. Rows are
     * split into fixed chunks scored in parallel and summed in order, so the result does not depend on
     * the number of cores.
     */
    public double error(float[] aHat) {
        if (aHat.length != a.length) {
            throw new IllegalArgumentException("need " + a.length + " values, got " + aHat.length);
        }
        if (rows == 0 || n == 0) {
            return 0;
        }
        int chunks = Math.min(rows, CHUNKS);
        double[] partial = IntStream.range(0, chunks).parallel().mapToDouble(c -> {
            double s = 0;
            float[] out = new float[n];
            for (int r = (int) ((long) rows * c / chunks); r < (int) ((long) rows * (c + 1) / chunks); r++) {
                Arrays.fill(out, 0);
                accumulate(aHat, r, a, out);
                for (float v : out) {
                    s += (double) v * v;
                }
            }
            return s;
        }).toArray();
        double s = 0;
        for (double v : partial) {
            s += v;
        }
        return s / ((double) rows * n);
    }

    /** The product error of a quantizer on these samples. */
    public double error(NonUniformQuantizer q) {
        return error(q.fakeQuantize(a));
    }

    /**
     * out += (x[row] - minus[row])·B for one row ({@code minus} may be null), in float: the errors rank
     * candidates, and float keeps the inner loop vectorized.
     */
    private void accumulate(float[] x, int r, float[] minus, float[] out) {
        int base = r * k;
        int off = rowOffsetB[r];
        for (int kk = 0; kk < k; kk++) {
            float d = minus == null ? x[base + kk] : x[base + kk] - minus[base + kk];
            if (d == 0) {
                continue;
            }
            int bRow = off + kk * n;
            for (int j = 0; j < n; j++) {
                out[j] += d * b[bRow + j];
            }
        }
    }

    /**
     * At most {@code maxRows} rows of {@code A}, drawn without replacement with a seeded generator (all
     * rows, in order, when there are no more than that).
     */
    public ConsumerProduct subsample(int maxRows, long seed) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be ≥ 1");
        }
        if (rows <= maxRows) {
            return this;
        }
        int[] index = new int[rows];
        for (int i = 0; i < rows; i++) {
            index[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < maxRows; i++) {
            int j = i + random.nextInt(rows - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        int[] chosen = Arrays.copyOf(index, maxRows);
        Arrays.sort(chosen);
        float[] sub = new float[maxRows * k];
        int[] offsets = new int[maxRows];
        for (int i = 0; i < maxRows; i++) {
            System.arraycopy(a, chosen[i] * k, sub, i * k, k);
            offsets[i] = rowOffsetB[chosen[i]];
        }
        return new ConsumerProduct(sub, maxRows, k, n, b, offsets);
    }

    /** Smallest and largest finite activation, {@code {min, max}} ({@code {0, 0}} when there are none). */
    float[] range() {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : a) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return lo > hi ? new float[] {0, 0} : new float[] {lo, hi};
    }

    /** The q-quantiles ({@code 0 ≤ q ≤ 1}) of the finite activations, nearest rank. */
    float[] quantiles(double... q) {
        float[] sorted = new float[a.length];
        int count = 0;
        for (float v : a) {
            if (Float.isFinite(v)) {
                sorted[count++] = v;
            }
        }
        sorted = Arrays.copyOf(sorted, count);
        Arrays.sort(sorted);
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            if (count == 0) {
                continue;
            }
            int rank = (int) Math.min(count - 1, Math.max(0, Math.ceil(q[i] * count) - 1));
            out[i] = sorted[rank];
        }
        return out;
    }
}
