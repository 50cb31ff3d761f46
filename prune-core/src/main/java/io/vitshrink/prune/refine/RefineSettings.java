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
 * @param window after every {@code window} blocks, those blocks are refined together toward the
 *     output of the last of them ({@link WindowRefiner}); 0 = no window refinement
 * @param windowSteps Adam steps per window
 * @param windowDeep weight of every block's output inside a window in the window's loss (deep
 *     supervision: each intermediate stream is also held to its target, the last block's at weight
 *     1); 0 = the window's last output alone
 * @param schedule how the Adam step size changes over the steps of one refinement
 * @param holdoutEvery every this many-th calibration image is held out of the fit, and the parameters
 *     with the lowest error on the held-out images are kept; 0 = every image is fitted and the
 *     parameters with the lowest error on them are kept (with a cosine schedule, in effect the last)
 * @param headWeight weight, against a patch token's 1, of the class token after the model's final
 *     LayerNorm (what the classifier reads) in the loss of the window that ends with the last block;
 *     0 = the stream alone
 * @param regrow share of each output feature's kept weights that window refinement exchanges for
 *     pruned ones, the start of a cosine decay that reaches none at ¾ of the steps
 *     ({@link MaskRegrowth}); 0 = the masks stay as decided
 * @param mixup share of each window step's images replaced by blends of two calibration images,
 *     labelled by the dense window ({@link InputMixer}); 0 = the calibration images alone
 * @param sharpness radius ρ of sharpness-aware window steps ({@link SharpnessAware}: each step's
 *     gradient is taken at a point perturbed by ρ × each weight's RMS up the loss); 0 = plain steps
 * @param noise σ of the noise a refined window's attentions and MLPs read during its steps
 *     ({@link WindowGraph}: each feature's deviation times σ times unit noise, added to what enters
 *     their LayerNorms, the residual stream left clean); 0 = none
 */
public record RefineSettings(int steps, double learningRate, int imagesPerStep, double denseShare, long seed,
        double classTokenWeight, int window, int windowSteps, double windowDeep, StepSchedule schedule, int holdoutEvery,
        double headWeight, double regrow, double mixup, double sharpness, double noise) {

    /** Every 8th image held out, as before the hold-out was a setting. */
    public static final int DEFAULT_HOLDOUT = 8;

    /** Settings with a constant step size and every 8th image held out. */
    public RefineSettings(int steps, double learningRate, int imagesPerStep, double denseShare, long seed,
            double classTokenWeight, int window, int windowSteps, double windowDeep) {
        this(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps, windowDeep,
                StepSchedule.CONSTANT, DEFAULT_HOLDOUT, 0, 0, 0, 0, 0);
    }

    /** Settings whose windows are fitted on their last block's output alone. */
    public RefineSettings(int steps, double learningRate, int imagesPerStep, double denseShare, long seed,
            double classTokenWeight, int window, int windowSteps) {
        this(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps, 0);
    }

    /** No refinement. */
    public static final RefineSettings OFF = new RefineSettings(0, 1e-3, 16, 0, 0, 1);

    /** Settings with every token weighted alike. */
    public RefineSettings(int steps, double learningRate, int imagesPerStep, double denseShare, long seed) {
        this(steps, learningRate, imagesPerStep, denseShare, seed, 1);
    }

    /** Settings without window refinement. */
    public RefineSettings(int steps, double learningRate, int imagesPerStep, double denseShare, long seed, double classTokenWeight) {
        this(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, 0, 0);
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
        if (window < 0 || window > 1000) {
            throw new UserException("--refine-window must be between 0 and 1000 blocks, not " + window);
        }
        if (windowSteps < 0 || windowSteps > 100_000) {
            throw new UserException("--refine-window-steps must be between 0 and 100000, not " + windowSteps);
        }
        if (window > 0 && windowSteps == 0) {
            throw new UserException("--refine-window needs --refine-window-steps (or --refine-steps) above 0");
        }
        if (!(windowDeep >= 0 && windowDeep <= 100)) {
            throw new UserException("--refine-window-deep must be in [0, 100], not " + windowDeep);
        }
        if (windowDeep > 0 && window == 0) {
            throw new UserException("--refine-window-deep weighs the blocks inside a window: it needs --refine-window");
        }
        if (windowDeep > 0 && denseShare > 0) {
            throw new UserException("--refine-window-deep holds each block's output to the dense blocks' on the window's input; "
                    + "it does not combine with --refine-target");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("a step schedule is required");
        }
        if (holdoutEvery != 0 && (holdoutEvery < 2 || 16 % holdoutEvery != 0)) {
            // a divisor of the calibration batch of 16 keeps an image and its views (--calib-views) on one side
            throw new UserException("--refine-holdout must be 0 (fit every image), 2, 4, 8 or 16, not " + holdoutEvery);
        }
        if (!(headWeight >= 0 && headWeight <= 10_000)) {
            throw new UserException("--refine-head-weight must be in [0, 10000], not " + headWeight);
        }
        if (headWeight > 0 && window == 0) {
            throw new UserException("--refine-head-weight weighs what the classifier reads in the last window: it needs --refine-window");
        }
        if (headWeight > 0 && denseShare > 0) {
            throw new UserException("--refine-head-weight holds the classifier's input to the dense blocks' on the window's input; "
                    + "it does not combine with --refine-target");
        }
        if (!(regrow >= 0 && regrow <= 0.5)) {
            throw new UserException("--refine-regrow must be in [0, 0.5], not " + regrow);
        }
        if (regrow > 0 && window == 0) {
            throw new UserException("--refine-regrow exchanges pruned and kept weights while windows are refined: it needs "
                    + "--refine-window");
        }
        if (!(mixup >= 0 && mixup <= 1)) {
            throw new UserException("--refine-mixup must be in [0, 1], not " + mixup);
        }
        if (mixup > 0 && window == 0) {
            throw new UserException("--refine-mixup blends the inputs of refined windows: it needs --refine-window");
        }
        if (mixup > 0 && denseShare > 0) {
            throw new UserException("--refine-mixup has the dense window label the blends; the dense model's stream on a blend "
                    + "is not known, so it does not combine with --refine-target");
        }
        if (!(sharpness >= 0 && sharpness <= 1)) {
            throw new UserException("--refine-sharpness must be in [0, 1], not " + sharpness);
        }
        if (sharpness > 0 && window == 0) {
            throw new UserException("--refine-sharpness takes sharpness-aware steps in refined windows: it needs --refine-window");
        }
        if (!(noise >= 0 && noise <= 1)) {
            throw new UserException("--refine-noise must be in [0, 1], not " + noise);
        }
        if (noise > 0 && window == 0) {
            throw new UserException("--refine-noise perturbs what the blocks of refined windows read: it needs --refine-window");
        }
        if (!(denseShare >= 0 && denseShare <= 1)) {
            throw new UserException("--refine-target must be in [0, 1] (the dense model's share of the target), not " + denseShare);
        }
    }

    /** Whether anything is refined (sub-blocks, windows or both). */
    public boolean enabled() {
        return subBlocks() || windows();
    }

    /** Whether each attention and MLP sub-block is refined on its own. */
    public boolean subBlocks() {
        return steps > 0;
    }

    /** Whether a window's loss also holds the stream after each of its blocks (deep supervision). */
    public boolean deepWindows() {
        return windows() && windowDeep > 0;
    }

    /** Whether windows of blocks are refined together. */
    public boolean windows() {
        return window > 0 && windowSteps > 0;
    }

    /** These settings with the window's step count as the step count (what {@link SubBlockRefiner} reads). */
    RefineSettings forWindows() {
        return new RefineSettings(windowSteps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, schedule, holdoutEvery, headWeight, regrow, mixup, sharpness, noise);
    }

    /** These settings with the classifier's input at weight {@code w} in the last window's loss. */
    public RefineSettings withHeadWeight(double w) {
        return new RefineSettings(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, schedule, holdoutEvery, w, regrow, mixup, sharpness, noise);
    }

    /** These settings with another step schedule. */
    public RefineSettings withSchedule(StepSchedule s) {
        return new RefineSettings(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, s, holdoutEvery, headWeight, regrow, mixup, sharpness, noise);
    }

    /** These settings holding out every {@code every}-th image (0 = none). */
    public RefineSettings withHoldout(int every) {
        return new RefineSettings(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, schedule, every, headWeight, regrow, mixup, sharpness, noise);
    }

    /** These settings replacing {@code share} of each window step's images by blends (0 = none). */
    public RefineSettings withMixup(double share) {
        return new RefineSettings(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, schedule, holdoutEvery, headWeight, regrow, share, sharpness, noise);
    }

    /** These settings exchanging {@code share} of each feature's kept weights at a window's first mask exchange (0 = none). */
    public RefineSettings withRegrow(double share) {
        return new RefineSettings(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, schedule, holdoutEvery, headWeight, share, mixup, sharpness, noise);
    }

    /** These settings taking sharpness-aware window steps of radius {@code radius} (0 = plain steps). */
    public RefineSettings withSharpness(double radius) {
        return new RefineSettings(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, schedule, holdoutEvery, headWeight, regrow, mixup, radius, noise);
    }

    /** These settings adding noise of σ = {@code sigma} to what a window's sub-blocks read during its steps (0 = none). */
    public RefineSettings withNoise(double sigma) {
        return new RefineSettings(steps, learningRate, imagesPerStep, denseShare, seed, classTokenWeight, window, windowSteps,
                windowDeep, schedule, holdoutEvery, headWeight, regrow, mixup, sharpness, sigma);
    }
}
