package io.vitshrink.prune.tokens.schedule;

/**
 * How close a reduced model stays to the float model on the calibration images.
 *
 * @param agreement share of images whose top-1 class is the float model's
 * @param kl mean KL divergence of the float model's softmax to the reduced model's
 */
public record Fidelity(double agreement, double kl) {

    /** Higher agreement first; lower KL breaks ties (agreement moves in steps of one image). */
    public boolean betterThan(Fidelity other) {
        return other == null || agreement > other.agreement || agreement == other.agreement && kl < other.kl;
    }
}
