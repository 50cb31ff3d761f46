package io.vitshrink.prune.refine;

import java.util.function.UnaryOperator;

/**
 * Sharpness-aware gradients (SAM, Foret et al. 2021): the gradient used for a step is taken at
 * w + ε, where ε climbs the loss along the gradient at w, so the step lowers the loss of the worst
 * nearby point and the fit settles where the loss is flat. A window fitted to 256 calibration images
 * matches the dense model on them almost exactly and far less on other images; a flat minimum is the
 * usual remedy when more data is not at hand.
 *
 * <p>The radius is relative and per array, as the Adam steps are ({@link RefineSettings#learningRate()}
 * × the weight's RMS): ε_i = ρ · s_i · g_i / rms(g_i), with s_i the array's scale, so the RMS of ε over
 * an array's moving entries is ρ · s_i whatever the gradient's size. Frozen (pruned) entries are not
 * perturbed and stay zero. Unlike SAM's single normalization of the whole gradient, every array gets
 * the same relative push however small its share of the gradient; on DeiT-Tiny this form made the
 * window's fit and its fidelity on unseen images worse at ρ = 0.01 and 0.05 (docs/PRUNING.md).
 */
public final class SharpnessAware {
    private final double radius;
    private final boolean[][] frozen;
    private final double[] scale;

    /**
     * @param radius ρ, the perturbation's RMS relative to each array's scale
     * @param frozen per array, true where the entry stays (null: all entries move)
     * @param scale per array, the size the radius is relative to (the weight's RMS)
     */
    public SharpnessAware(double radius, boolean[][] frozen, double[] scale) {
        if (!(radius > 0)) {
            throw new IllegalArgumentException("the radius must be positive, not " + radius);
        }
        if (frozen.length != scale.length) {
            throw new IllegalArgumentException("one mask and one scale per parameter array");
        }
        this.radius = radius;
        this.frozen = frozen;
        this.scale = scale.clone();
    }

    /**
     * The gradient at the perturbed point w + ε(g), {@code params} left as they were.
     *
     * @param params w, perturbed in place while {@code gradientAt} runs
     * @param grads g, the gradient at w
     * @param gradientAt the gradient at whatever {@code params} then hold
     */
    public float[][] gradient(float[][] params, float[][] grads, UnaryOperator<float[][]> gradientAt) {
        float[][] eps = perturbation(grads);
        float[][] saved = SubBlockRefiner.copy(params); // restored exactly: w + ε − ε need not round back to w
        for (int i = 0; i < params.length; i++) {
            for (int k = 0; k < params[i].length; k++) {
                params[i][k] += eps[i][k];
            }
        }
        try {
            return gradientAt.apply(params);
        } finally {
            for (int i = 0; i < params.length; i++) {
                System.arraycopy(saved[i], 0, params[i], 0, params[i].length);
            }
        }
    }

    /** ε for the gradient g: per array ρ · s_i · g_i / rms(g_i) over the moving entries, zero where frozen. */
    float[][] perturbation(float[][] grads) {
        float[][] eps = new float[grads.length][];
        for (int i = 0; i < grads.length; i++) {
            float[] g = grads[i];
            boolean[] f = frozen[i];
            eps[i] = new float[g.length];
            double sum = 0;
            int n = 0;
            for (int k = 0; k < g.length; k++) {
                if (f == null || !f[k]) {
                    sum += (double) g[k] * g[k];
                    n++;
                }
            }
            if (sum == 0) {
                continue; // no gradient, no direction to climb
            }
            double factor = radius * scale[i] / Math.sqrt(sum / n);
            for (int k = 0; k < g.length; k++) {
                if (f == null || !f[k]) {
                    eps[i][k] = (float) (factor * g[k]);
                }
            }
        }
        return eps;
    }
}
