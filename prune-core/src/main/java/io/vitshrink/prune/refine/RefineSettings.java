package io.vitshrink.prune.refine;

import io.vitshrink.onnx.UserException;

/**
 * Block refinement after pruning ({@link BlockRefiner}): gradient steps on the kept weights and the
 * biases of each attention and MLP sub-block, so that the sub-block's output on the calibration
 * images comes closer to a target, with the masks fixed.
 *
 * @param steps Adam steps per sub-block; 0 = no refinement
 * @param learningRate Adam step size relative to the RMS of each weight matrix (the bias of a layer
 *     uses its weight's)
 * @param imagesPerStep calibration images in one gradient step
 * @param denseShare share a of the dense model in the target: 0 aims each sub-block at the dense
 *     sub-block's output on the same (pruned-model) input, 1 at the dense model's residual stream
 *     itself, so that the sub-block also cancels the drift of the blocks before it
 * @param seed seed of the step batches
 * @param classTokenWeight weight of the class token's error against each patch token's, when the
 *     classifier reads the class token alone (it is the only token the head sees; 1 = all alike)
 */
public record RefineSettings(int steps, double learningRate, int imagesPerStep, double denseShare, long seed,
        double classTokenWeight) {

    /** No refinement. */
    public static final RefineSettings OFF = new RefineSettings(0, 1e-3, 16, 0, 0, 1);

    /** Settings with every token weighted alike. */
    public RefineSettings(int steps, double learningRate, int imagesPerStep, double denseShare, long seed) {
        this(steps, learningRate, imagesPerStep, denseShare, seed, 1);
    }

    public RefineSettings {
        if (steps < 0 || steps > 100_000) {
            throw new UserException("--refine-steps must be between 0 and 100000, not " + steps);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new UserException("--refine-lr must be in (0, 1], not " + learningRate);
        }
        if (imagesPerStep < 1 || imagesPerStep > 4096) {
            throw new UserException("--refine-batch must be between 1 and 4096, not " + imagesPerStep);
        }
        if (!(classTokenWeight >= 1 && classTokenWeight <= 10_000)) {
            throw new UserException("--refine-cls-weight must be between 1 and 10000, not " + classTokenWeight);
        }
        if (!(denseShare >= 0 && denseShare <= 1)) {
            throw new UserException("--refine-target must be in [0, 1] (the dense model's share of the target), not " + denseShare);
        }
    }

    public boolean enabled() {
        return steps > 0;
    }
}
