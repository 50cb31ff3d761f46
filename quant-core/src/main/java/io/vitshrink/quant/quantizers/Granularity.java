package io.vitshrink.quant.quantizers;

/**
 * How many scales a tensor gets: one for the whole tensor, one per output channel, or one per group of
 * {@code groupSize} consecutive elements along the input (reduction) dimension of each output channel.
 */
public enum Granularity {
    PER_TENSOR, PER_CHANNEL, PER_GROUP;

    /** The spelling used in plans and on the command line ({@code per_channel}). */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Granularity parse(String s) {
        for (Granularity g : values()) {
            if (g.key().equals(s.toLowerCase(java.util.Locale.ROOT).replace('-', '_'))) {
                return g;
            }
        }
        throw new io.vitshrink.onnx.UserException("unknown granularity '" + s + "': use per_tensor, per_channel or per_group");
    }
}
