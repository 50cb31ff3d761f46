package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.List;
import java.util.Map;

/**
 * SmoothQuant (Xiao et al., "SmoothQuant: Accurate and Efficient Post-Training Quantization for Large
 * Language Models", ICML 2023) on post-LayerNorm activations, with an Outlier Suppression+-style
 * channel shift (Wei et al., EMNLP 2023).
 *
 * <p>Per channel: shift {@code δ_c = (max_c + min_c) / 2} (0 without shifting), the activation's
 * magnitude after the shift {@code A_c = (max_c - min_c) / 2} (or {@code max(|min_c|, |max_c|)} without
 * shifting), the weight magnitude {@code M_c = max |W[c, o]|} over the outputs of every Linear that
 * reads the norm (q, k and v together), and the smoothing factor
 * {@code s_c = max(A_c^α / M_c^(1-α), minScale)} (1 when A_c or M_c is 0). The LayerNorm then writes
 * {@code x' = (x - δ) / s} (gamma' = gamma / s, beta' = (beta - δ) / s); the Linears get
 * {@code W'[c, :] = s_c · W[c, :]} and {@code b' = b + Σ_c δ_c W[c, :]}. As a
 * {@link Reparameterization}: {@code scale = s}, {@code shift = δ}.
 */
public final class SmoothQuantReparam {

    /**
     * @param alpha migration strength in [0, 1]: 0 leaves activations alone, 1 moves all their range into weights
     * @param shift whether to center every channel first (the OS+ shift)
     * @param minScale lower clamp of s_c
     */
    public record Options(double alpha, boolean shift, float minScale) {
        public Options {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new UserException("SmoothQuant alpha must be between 0 and 1, not " + alpha);
            }
            if (!(minScale > 0) || !Float.isFinite(minScale)) {
                throw new UserException("SmoothQuant minScale must be positive, not " + minScale);
            }
        }

        /** α = 0.5, shifted, scales clamped at 1e-5. */
        public static Options defaults() {
            return new Options(0.5, true, 1e-5f);
        }

        public Options withAlpha(double value) {
            return new Options(value, shift, minScale);
        }

        public Options withShift(boolean value) {
            return new Options(alpha, value, minScale);
        }
    }

    private SmoothQuantReparam() {
    }

    public static ReparamResult run(Model model, VitStructure structure, Map<String, ChannelRange> stats) {
        return run(model, structure, stats, Options.defaults());
    }

    /**
     * Smooths norm1 and norm2 of every block that has statistics in {@code stats} (keyed by the
     * LayerNorm's output value name) and whose output only Linears read.
     *
     * @param structure the structure recognized on {@code model}
     * @return an edited copy ({@code model} is not modified), what was done, and what was skipped
     */
    public static ReparamResult run(Model model, VitStructure structure, Map<String, ChannelRange> stats, Options options) {
        return ReparamPass.run(model, structure, stats, t -> {
            float[] weightMax = new float[t.range().channels()];
            for (LinearView v : t.views()) {
                v.absMaxPerInput(weightMax);
            }
            return choose(t.norm().output(), t.linears(), t.range(), weightMax, options);
        });
    }

    /**
     * The SmoothQuant numbers for one LayerNorm output.
     *
     * @param weightAbsMax per input channel, max |W| over the outputs of all reading Linears
     */
    public static Reparameterization choose(String norm, List<String> linears, ChannelRange range, float[] weightAbsMax,
            Options options) {
        int n = range.channels();
        if (weightAbsMax.length != n) {
            throw new IllegalArgumentException("weightAbsMax has " + weightAbsMax.length + " channels, the range " + n);
        }
        float[] lo = range.min();
        float[] hi = range.max();
        float[] scale = new float[n];
        float[] shift = new float[n];
        for (int c = 0; c < n; c++) {
            double a;
            if (options.shift()) {
                shift[c] = (float) (((double) hi[c] + lo[c]) / 2);
                a = ((double) hi[c] - lo[c]) / 2;
            } else {
                a = Math.max(Math.abs((double) lo[c]), Math.abs((double) hi[c]));
            }
            double m = weightAbsMax[c];
            if (!(a > 0) || !(m > 0)) {
                scale[c] = 1f;
            } else {
                double s = Math.pow(a, options.alpha()) / Math.pow(m, 1 - options.alpha());
                scale[c] = (float) Math.max(s, options.minScale());
                if (!Float.isFinite(scale[c])) {
                    throw new UserException("the SmoothQuant scale of channel " + c + " of '" + norm + "' overflows");
                }
            }
        }
        return new Reparameterization(Reparameterization.SMOOTHQUANT, norm, linears, scale, shift);
    }
}
