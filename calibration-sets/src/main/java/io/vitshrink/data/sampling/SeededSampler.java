package io.vitshrink.data.sampling;

import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.onnx.UserException;
import java.util.Arrays;

/**
 * Draws reproducible samples from a dataset: a seeded partial Fisher-Yates shuffle of the entry
 * positions. Two useful consequences: the same (dataset, n, seed) always gives the same images, and
 * with a fixed seed a smaller sample is contained in a larger one, so growing a calibration set from
 * 32 to 256 images only adds images.
 */
public final class SeededSampler {
    private SeededSampler() {
    }

    /**
     * The first {@code count} positions of a seeded random permutation of {@code 0..population-1}, in
     * draw order.
     */
    public static int[] permutationPrefix(int population, int count, long seed) {
        if (count < 0 || count > population) {
            throw new IllegalArgumentException("cannot draw " + count + " of " + population);
        }
        int[] positions = new int[population];
        for (int i = 0; i < population; i++) {
            positions[i] = i;
        }
        SplitMix64 random = new SplitMix64(seed);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(population - i);
            int t = positions[i];
            positions[i] = positions[j];
            positions[j] = t;
        }
        return Arrays.copyOf(positions, count);
    }

    /** {@code count} distinct positions drawn with {@code seed}, sorted ascending (dataset order). */
    public static int[] sampleIndices(int population, int count, long seed) {
        int[] picked = permutationPrefix(population, count, seed);
        Arrays.sort(picked);
        return picked;
    }

    /**
     * A seeded sample of {@code count} images, kept in dataset order.
     *
     * @throws UserException if the dataset has fewer than {@code count} images or count is not positive
     */
    public static ImageDataset sample(ImageDataset dataset, int count, long seed) {
        if (count <= 0) {
            throw new UserException("sample size must be at least 1, got " + count);
        }
        if (count > dataset.size()) {
            throw new UserException("cannot sample " + count + " images from " + dataset.name() + ", which has "
                    + dataset.size());
        }
        int[] picked = sampleIndices(dataset.size(), count, seed);
        return dataset.select(picked, dataset.name() + "[" + count + " @ seed " + seed + "]");
    }
}
