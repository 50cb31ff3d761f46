package io.vitshrink.data.sampling;

import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.onnx.UserException;
import java.util.Arrays;

/**
 * Two disjoint parts of one dataset, for when only one labelled pool is at hand: calibrate on one,
 * evaluate on the other, never on the same image.
 *
 * @param calibration images to collect statistics on
 * @param evaluation  images to measure on, none of which are in {@code calibration}
 */
public record DatasetSplit(ImageDataset calibration, ImageDataset evaluation) {
    /** Pass as the evaluation size to put every image not drawn for calibration into evaluation. */
    public static final int REST = -1;

    /**
     * Splits with one seeded permutation: its first {@code calibrationSize} positions calibrate, the next
     * {@code evaluationSize} (or all the rest, with {@link #REST}) evaluate. Each part keeps dataset
     * order.
     */
    public static DatasetSplit of(ImageDataset dataset, int calibrationSize, int evaluationSize, long seed) {
        int n = dataset.size();
        int eval = evaluationSize == REST ? n - calibrationSize : evaluationSize;
        if (calibrationSize <= 0 || eval <= 0 || (long) calibrationSize + eval > n) {
            throw new UserException("cannot split " + dataset.name() + " (" + n + " images) into " + calibrationSize
                    + " calibration and " + (evaluationSize == REST ? "the rest" : eval + " evaluation")
                    + " images: both parts need at least one image and together at most " + n);
        }
        int[] order = SeededSampler.permutationPrefix(n, calibrationSize + eval, seed);
        int[] calibration = Arrays.copyOfRange(order, 0, calibrationSize);
        int[] evaluation = Arrays.copyOfRange(order, calibrationSize, calibrationSize + eval);
        Arrays.sort(calibration);
        Arrays.sort(evaluation);
        return new DatasetSplit(
                dataset.select(calibration, dataset.name() + "[calibration " + calibrationSize + " @ seed " + seed + "]"),
                dataset.select(evaluation, dataset.name() + "[evaluation " + eval + " @ seed " + seed + "]"));
    }
}
