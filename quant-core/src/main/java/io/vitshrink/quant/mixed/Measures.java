package io.vitshrink.quant.mixed;

/**
 * The budget measures of one bit assignment.
 *
 * @param avgWeightBits weight bits averaged over parameters (uniform WbAx gives b)
 * @param avgActivationBits activation bits averaged with the MACs of the products that read each
 *     activation as weights (uniform WxAb gives b)
 * @param sizeBytes model bytes with each quantized weight packed at its width (scales not counted; the
 *     rest at its stored precision)
 * @param bops bit operations per image: MACs × weight bits × input bits, MACs × both input bits for
 *     products of two activations, 32 bits for what stays float
 */
public record Measures(double avgWeightBits, double avgActivationBits, long sizeBytes, long bops) {

    /** The value of one budget kind. */
    public double of(Budget.Kind kind) {
        return switch (kind) {
            case W_BITS -> avgWeightBits;
            case A_BITS -> avgActivationBits;
            case BYTES -> sizeBytes;
            case BOPS -> bops;
        };
    }
}
