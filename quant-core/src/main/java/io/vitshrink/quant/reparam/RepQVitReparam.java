package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.List;
import java.util.Map;

/**
 * RepQ-ViT scale reparameterization of post-LayerNorm activations (Li et al., "RepQ-ViT: Scale
 * Reparameterization for Post-Training Quantization of Vision Transformers", ICCV 2023).
 *
 * <p>Post-LayerNorm activations vary a lot between channels, which asks for a per-channel quantizer.
 * From each channel's calibration range [min_c, max_c] this pass takes the per-channel asymmetric
 * quantizer a {@code bits}-bit grid would use, {@code s_c = (max_c - min_c) / (2^bits - 1)},
 * {@code z_c = round(-min_c / s_c)}, a per-tensor target {@code s̃ = mean(s_c)}, {@code z̃ = mean(z_c)},
 * and {@code r1_c = s_c / s̃}, {@code r2_c = z_c - z̃}. The LayerNorm then writes
 * {@code x' = (x + s_c · r2_c) / r1_c} (gamma' = gamma / r1, beta' = (beta + s · r2) / r1), whose every
 * channel has (up to the zero-point rounding) the range {@code [-z̃ s̃, (2^bits - 1 - z̃) s̃]}, and each
 * reading Linear gets {@code W'[c, :] = r1_c · W[c, :]}, {@code b' = b - Σ_c W[c, :] s_c r2_c}. As a
 * {@link Reparameterization}: {@code scale = r1}, {@code shift = -s · r2}.
 *
 * <p>A channel whose range is empty (constant on the calibration set) keeps scale 1 and shift 0 and is
 * left out of the means.
 */
public final class RepQVitReparam {

    /**
     * @param bits width of the activation grid the per-channel quantizer is imagined on (2–16)
     * @param roundZeroPoint round z_c to an integer as a real quantizer does (the reference
     *     implementation's behaviour); false gives exactly equal channel ranges
     */
    public record Options(int bits, boolean roundZeroPoint) {
        public Options {
            if (bits < 2 || bits > 16) {
                throw new UserException("RepQ-ViT bits must be between 2 and 16, not " + bits);
            }
        }

        /** 8 bits, rounded zero points. */
        public static Options defaults() {
            return new Options(8, true);
        }
    }

    private RepQVitReparam() {
    }

    /** With {@link Options#defaults()}. */
    public static ReparamResult run(Model model, VitStructure structure, Map<String, ChannelRange> stats) {
        return run(model, structure, stats, Options.defaults());
    }

    /**
     * Reparameterizes norm1 and norm2 of every block that has statistics in {@code stats} (keyed by the
     * LayerNorm's output value name) and whose output only Linears read.
     *
     * @param structure the structure recognized on {@code model}
     * @return an edited copy ({@code model} is not modified), what was done, and what was skipped
     */
    public static ReparamResult run(Model model, VitStructure structure, Map<String, ChannelRange> stats, Options options) {
        return ReparamPass.run(model, structure, stats, t -> choose(t.norm().output(), t.linears(), t.range(), options));
    }

    /** The RepQ-ViT numbers for one LayerNorm output with range {@code range}. */
    public static Reparameterization choose(String norm, List<String> linears, ChannelRange range, Options options) {
        int n = range.channels();
        float[] lo = range.min();
        float[] hi = range.max();
        double qmax = (1 << options.bits()) - 1;
        double[] s = new double[n];
        double[] z = new double[n];
        boolean[] live = new boolean[n];
        double sumS = 0;
        double sumZ = 0;
        int count = 0;
        for (int c = 0; c < n; c++) {
            double w = (double) hi[c] - lo[c];
            if (!(w > 0)) {
                continue;
            }
            live[c] = true;
            s[c] = w / qmax;
            z[c] = -lo[c] / s[c];
            if (options.roundZeroPoint()) {
                z[c] = Math.rint(z[c]);
            }
            sumS += s[c];
            sumZ += z[c];
            count++;
        }
        if (count == 0) {
            throw new UserException("every channel of '" + norm + "' is constant on the calibration set");
        }
        double targetS = sumS / count;
        double targetZ = sumZ / count;
        float[] scale = new float[n];
        float[] shift = new float[n];
        for (int c = 0; c < n; c++) {
            if (!live[c]) {
                scale[c] = 1f;
                continue;
            }
            scale[c] = (float) (s[c] / targetS);
            shift[c] = (float) (-s[c] * (z[c] - targetZ));
        }
        return new Reparameterization(Reparameterization.REPQ_VIT, norm, linears, scale, shift);
    }
}
