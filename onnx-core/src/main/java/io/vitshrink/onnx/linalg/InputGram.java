package io.vitshrink.onnx.linalg;

/**
 * The Gram matrix XᵀX of a layer's input over every calibration token (rows of X are tokens,
 * columns are input features), accumulated batch by batch in fixed memory: d² doubles, whatever
 * the number of images. It is (twice) the Hessian of the layer's squared output error, the one
 * statistic Wanda, OBS scores and least-squares reconstruction all need.
 */
public final class InputGram {
    private static final int ROW_CHUNK = 256;
    private static final int COL_TILE = 32;
    private final int dim;
    private final double[] gram;
    private final float[] partial;

    public InputGram(int dim) {
        this.dim = dim;
        this.gram = new double[dim * dim];
        this.partial = new float[dim * dim];
    }

    /** A Gram matrix with known values (tests). */
    public static InputGram of(double[] values, int dim) {
        InputGram g = new InputGram(dim);
        System.arraycopy(values, 0, g.gram, 0, dim * dim);
        return g;
    }

    public int dim() {
        return dim;
    }

    /**
     * Adds the rows of {@code x} (row-major, {@code count × dim}). Sums run in float over chunks of
     * {@value #ROW_CHUNK} rows (vectorizable element-wise updates, tiled to stay in cache) and are
     * then added to the double total, so rounding does not grow with the number of images.
     */
    public void add(float[] x, int count) {
        if ((long) count * dim > x.length) {
            throw new IllegalArgumentException(count + " rows of " + dim + " do not fit " + x.length + " values");
        }
        for (int start = 0; start < count; start += ROW_CHUNK) {
            int end = Math.min(count, start + ROW_CHUNK);
            java.util.Arrays.fill(partial, 0f);
            for (int i0 = 0; i0 < dim; i0 += COL_TILE) {
                int i1 = Math.min(dim, i0 + COL_TILE);
                for (int r = start; r < end; r++) {
                    int base = r * dim;
                    for (int i = i0; i < i1; i++) {
                        float xi = x[base + i];
                        if (xi == 0f) {
                            continue;
                        }
                        int row = i * dim;
                        for (int j = i; j < dim; j++) {
                            partial[row + j] += xi * x[base + j];
                        }
                    }
                }
            }
            for (int i = 0; i < dim; i++) {
                for (int j = i; j < dim; j++) {
                    gram[i * dim + j] += partial[i * dim + j];
                }
            }
        }
    }

    /**
     * Adds a batch's XᵀX computed elsewhere ({@code dim × dim}, row-major; ONNX Runtime's GEMM in the
     * collector, which is an order of magnitude faster than Java loops for the 768-wide fc2 input).
     */
    public void addProduct(float[] xtx) {
        if (xtx.length != dim * dim) {
            throw new IllegalArgumentException("a " + dim + "² Gram matrix cannot take " + xtx.length + " values");
        }
        for (int i = 0; i < dim; i++) {
            for (int j = i; j < dim; j++) {
                // ORT's product is symmetric only up to rounding: average the two halves
                gram[i * dim + j] += 0.5 * ((double) xtx[i * dim + j] + xtx[j * dim + i]);
            }
        }
    }

    /** The full symmetric matrix (a copy), row-major. */
    public double[] matrix() {
        double[] m = new double[dim * dim];
        for (int i = 0; i < dim; i++) {
            for (int j = i; j < dim; j++) {
                double v = gram[i * dim + j];
                if (j == i) {
                    m[i * dim + i] = v;
                } else {
                    m[i * dim + j] = v;
                    m[j * dim + i] = v;
                }
            }
        }
        return m;
    }

    /** ‖X_j‖² for every input feature j. */
    public double[] diagonal() {
        double[] d = new double[dim];
        for (int i = 0; i < dim; i++) {
            d[i] = gram[i * dim + i];
        }
        return d;
    }
}
