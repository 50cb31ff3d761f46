package io.vitshrink.prune.structured;

import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.prune.weights.LinearWeights;

/**
 * Calibration-based importance of a structural unit: the energy its contribution adds to the
 * residual stream over the calibration tokens, ‖X_U · W_Uᵀ‖² = Σ_e W[e,U] · H_UU · W[e,U]ᵀ, where U
 * are the unit's input columns of the layer that reads it (the head's d columns of proj, one hidden
 * channel of fc2) and H = XᵀX of that layer's input. Every block writes into the same residual
 * stream, so energies compare across blocks.
 */
public final class UnitEnergy {

    private UnitEnergy() {
    }

    /** Energy of each group of {@code groupSize} consecutive input columns of {@code reader}. */
    public static double[] of(Graph g, Linear reader, InputGram gram, int groupSize) {
        int out = (int) reader.outFeatures();
        int in = (int) reader.inFeatures();
        if (gram.dim() != in || in % groupSize != 0) {
            throw new IllegalArgumentException("Gram of width " + gram.dim() + " does not fit " + reader.name());
        }
        float[] w = LinearWeights.read(g, reader);
        double[] h = gram.matrix();
        int groups = in / groupSize;
        double[] energy = new double[groups];
        double[] hw = new double[groupSize];
        for (int u = 0; u < groups; u++) {
            int c0 = u * groupSize;
            double e = 0;
            for (int r = 0; r < out; r++) {
                int base = r * in + c0;
                for (int i = 0; i < groupSize; i++) {
                    double s = 0;
                    int hi = (c0 + i) * in + c0;
                    for (int j = 0; j < groupSize; j++) {
                        s += h[hi + j] * w[base + j];
                    }
                    hw[i] = s;
                }
                for (int i = 0; i < groupSize; i++) {
                    e += w[base + i] * hw[i];
                }
            }
            energy[u] = e;
        }
        return energy;
    }
}
