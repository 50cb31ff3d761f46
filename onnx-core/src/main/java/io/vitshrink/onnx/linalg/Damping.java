package io.vitshrink.onnx.linalg;

/**
 * Makes a layer Hessian H = XᵀX safely invertible: adds λ·mean(diag H) to the diagonal (SparseGPT's
 * "percdamp", 0.01 by default), and gives an input feature that never fired (H_jj = 0) a unit
 * diagonal so that it neither blocks the factorization nor attracts a correction.
 */
public final class Damping {
    public static final double DEFAULT = 0.01;

    private Damping() {
    }

    /** A damped copy of {@code h} ({@code n × n}). */
    public static double[] apply(double[] h, int n, double lambda) {
        double[] a = h.clone();
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += a[i * n + i];
        }
        mean /= n;
        double add = lambda * (mean > 0 ? mean : 1);
        for (int i = 0; i < n; i++) {
            if (a[i * n + i] == 0) {
                a[i * n + i] = 1;
            }
            a[i * n + i] += add;
        }
        return a;
    }
}
