package io.vitshrink.onnx.linalg;

/**
 * Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix (row-major, double), with
 * solves and the inverse. Small and dense: the layer Hessians here are at most a few thousand wide.
 */
public final class Cholesky {
    private final int n;
    private final double[] l;

    private Cholesky(int n, double[] l) {
        this.n = n;
        this.l = l;
    }

    /**
     * Factors {@code a} ({@code n × n}, only the lower triangle is read).
     *
     * @throws ArithmeticException when the matrix is not positive definite (add more damping)
     */
    public static Cholesky factor(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            double d = a[rj + j];
            for (int k = 0; k < j; k++) {
                d -= l[rj + k] * l[rj + k];
            }
            if (!(d > 0)) {
                throw new ArithmeticException("matrix not positive definite at column " + j);
            }
            double ljj = Math.sqrt(d);
            l[rj + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                int ri = i * n;
                double s = a[ri + j];
                for (int k = 0; k < j; k++) {
                    s -= l[ri + k] * l[rj + k];
                }
                l[ri + j] = s / ljj;
            }
        }
        return new Cholesky(n, l);
    }

    public int size() {
        return n;
    }

    /** Solves A·x = b in place. */
    public void solveInPlace(double[] b) {
        for (int i = 0; i < n; i++) { // L·y = b
            double s = b[i];
            int ri = i * n;
            for (int k = 0; k < i; k++) {
                s -= l[ri + k] * b[k];
            }
            b[i] = s / l[ri + i];
        }
        for (int i = n - 1; i >= 0; i--) { // Lᵀ·x = y
            double s = b[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * b[k];
            }
            b[i] = s / l[i * n + i];
        }
    }

    /** A⁻¹ (row-major, symmetric). */
    public double[] inverse() {
        double[] inv = new double[n * n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            java.util.Arrays.fill(col, 0);
            col[j] = 1;
            solveInPlace(col);
            for (int i = 0; i < n; i++) {
                inv[i * n + j] = col[i];
            }
        }
        return inv;
    }

    /** The upper factor U with A = Uᵀ·U (that is Lᵀ), row-major. */
    public double[] upper() {
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = l[i * n + j];
            }
        }
        return u;
    }
}
