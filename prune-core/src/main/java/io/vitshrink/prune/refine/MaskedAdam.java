package io.vitshrink.prune.refine;

/**
 * Adam on a list of float parameter arrays, some entries frozen at zero (pruned weights never come
 * back). The step size of each array is given in absolute units; {@link RefineSettings} scales it to
 * the array's weight RMS.
 */
public final class MaskedAdam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-12;
    private final float[][] params;
    private final boolean[][] frozen;
    private final double[] stepSize;
    private final float[][] m;
    private final float[][] v;
    private int t;

    /**
     * @param params updated in place
     * @param frozen per array, true where the entry stays as it is (null: all entries move)
     * @param stepSize per array
     */
    public MaskedAdam(float[][] params, boolean[][] frozen, double[] stepSize) {
        if (params.length != frozen.length || params.length != stepSize.length) {
            throw new IllegalArgumentException("one mask and one step size per parameter array");
        }
        this.params = params;
        this.frozen = frozen;
        this.stepSize = stepSize.clone();
        this.m = new float[params.length][];
        this.v = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            m[i] = new float[params[i].length];
            v[i] = new float[params[i].length];
            if (frozen[i] != null && frozen[i].length != params[i].length) {
                throw new IllegalArgumentException("mask " + i + " has " + frozen[i].length + " entries, its array " + params[i].length);
            }
        }
    }

    /** One step along the given gradients (same shapes as the parameters). */
    public void step(float[][] grads) {
        step(grads, 1);
    }

    /**
     * One step along the given gradients, every array's step size times {@code factor} (a schedule's
     * value at this step; the moment estimates are not affected).
     */
    public void step(float[][] grads, double factor) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < params.length; i++) {
            float[] p = params[i];
            float[] g = grads[i];
            boolean[] f = frozen[i];
            float[] mi = m[i];
            float[] vi = v[i];
            double lr = stepSize[i] * factor;
            for (int k = 0; k < p.length; k++) {
                if (f != null && f[k]) {
                    continue;
                }
                mi[k] = (float) (BETA1 * mi[k] + (1 - BETA1) * g[k]);
                vi[k] = (float) (BETA2 * vi[k] + (1 - BETA2) * g[k] * g[k]);
                p[k] -= (float) (lr * (mi[k] / c1) / (Math.sqrt(vi[k] / c2) + EPS));
            }
        }
    }

    public int steps() {
        return t;
    }

    /**
     * The bias-corrected second moment v̂ of entry {@code k} of array {@code i}: the running mean of its
     * squared gradient (0 for an entry that has been frozen throughout).
     */
    public double secondMoment(int i, int k) {
        return t == 0 ? 0 : v[i][k] / (1 - Math.pow(BETA2, t));
    }

    /** Forgets the moments of entry {@code k} of array {@code i} (an entry that starts to move afresh). */
    public void restart(int i, int k) {
        m[i][k] = 0;
        v[i][k] = 0;
    }
}
