package io.vitshrink.reports.reference;

/**
 * A published result to draw beside measured ones: a method's accuracy on a model at some bit widths
 * (or, for token reduction, at fewer FLOPs), with the source it was read from.
 *
 * @param method the method (paper) name, e.g. {@code RepQ-ViT}
 * @param model the model, e.g. {@code DeiT-T}
 * @param wBits weight bits (32 for float)
 * @param aBits activation bits (32 for float)
 * @param top1 the paper's ImageNet top-1, in percent
 * @param floatTop1 the paper's float baseline top-1 of the same model, in percent
 * @param gmacs the model's MACs per image in G when the source gives them, or NaN (then charts use the measured model's)
 * @param source the paper, venue and year
 * @param where the table in the paper
 */
public record ReferencePoint(String method, String model, int wBits, int aBits, double top1, double floatTop1,
        double gmacs, String source, String where) {

    /** Top-1 drop against the paper's own float baseline, in points. */
    public double drop() {
        return floatTop1 - top1;
    }
}
