package io.vitshrink.quant.reparam;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One applied reparameterization, as plain data: the activation {@code x} that the LayerNorm writes to
 * {@code norm} is replaced by {@code x' = (x - shift) / scale} per channel (last axis). The change is
 * folded into the LayerNorm's gamma and beta and undone in each of {@code linears}, so the network's
 * float function is unchanged. {@link Reparameterizations#apply} replays a list of these on the model
 * they were computed for and gives the same model, bit for bit.
 *
 * @param kind which method chose the numbers ({@link #REPQ_VIT}, {@link #SMOOTHQUANT}); informative only
 * @param norm the LayerNorm's output value name
 * @param linears names of the Linear nodes (MatMul / Gemm) that read {@code norm}, directly or through
 *     channel-preserving Transpose / Reshape / Identity, in the order they are edited
 * @param scale per-channel divisor, all positive and finite
 * @param shift per-channel offset subtracted before the division, finite
 */
public record Reparameterization(String kind, String norm, List<String> linears, float[] scale, float[] shift) {
    /** RepQ-ViT post-LayerNorm scale reparameterization. */
    public static final String REPQ_VIT = "repq-vit";
    /** SmoothQuant migration with an OS+-style shift. */
    public static final String SMOOTHQUANT = "smoothquant";

    public Reparameterization {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(norm, "norm");
        linears = List.copyOf(linears);
        if (scale == null || shift == null || scale.length != shift.length || scale.length == 0) {
            throw new IllegalArgumentException("reparameterization of '" + norm
                    + "' needs scale and shift arrays of the same, non-zero length");
        }
        for (int c = 0; c < scale.length; c++) {
            if (!(scale[c] > 0) || !Float.isFinite(scale[c]) || !Float.isFinite(shift[c])) {
                throw new IllegalArgumentException("reparameterization of '" + norm + "' channel " + c
                        + ": scale must be positive and finite and shift finite, got scale " + scale[c]
                        + ", shift " + shift[c]);
            }
        }
        scale = scale.clone();
        shift = shift.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public float[] shift() {
        return shift.clone();
    }

    public int channels() {
        return scale.length;
    }

    /** Whether any channel is shifted (a bias then has to exist on the LayerNorm and the Linears). */
    public boolean hasShift() {
        for (float d : shift) {
            if (d != 0f) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reparameterization r && r.kind.equals(kind) && r.norm.equals(norm)
                && r.linears.equals(linears) && Arrays.equals(r.scale, scale) && Arrays.equals(r.shift, shift);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, norm, linears, Arrays.hashCode(scale), Arrays.hashCode(shift));
    }

    @Override
    public String toString() {
        return "Reparameterization[" + kind + " on '" + norm + "' → " + linears + ", " + scale.length + " channels]";
    }
}
