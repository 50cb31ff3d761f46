package io.vitshrink.workbench.search;

import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.Batch;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.calibration.CalibrationInputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The held-out images of the calibration pool, decoded once (or read from the tensor cache) and kept in
 * memory: every sensitivity candidate and frontier plan runs on them.
 */
public final class HeldOut {

    private HeldOut() {
    }

    public static List<LabeledBatch> load(ImageDataset dataset, PreprocessRecipe recipe, LoaderOptions options) {
        List<LabeledBatch> out = new ArrayList<>();
        try (BatchLoader loader = BatchLoader.open(dataset, recipe, options)) {
            while (loader.hasNext()) {
                Batch b = loader.next();
                out.add(new LabeledBatch(new CalibrationInputs.Batch(b.pixels(), b.shape()), b.labels(), b.files()));
            }
        }
        if (out.isEmpty()) {
            throw new UserException("none of the " + dataset.size() + " held-out images could be read");
        }
        return out;
    }

    /**
     * The images of {@code part} among {@code held}, copied from memory into batches of at most
     * {@code batchSize} (in {@code held}'s order): a smaller held-out set for the sensitivity runs
     * without decoding any image again.
     *
     * @param part a subset of the dataset {@code held} was loaded from; images of it that could not be
     *     read are missing from {@code held} and so from the result
     */
    public static List<LabeledBatch> subset(List<LabeledBatch> held, ImageDataset part, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        Set<Path> wanted = new HashSet<>();
        part.entries().forEach(e -> wanted.add(e.file()));
        List<LabeledBatch> out = new ArrayList<>();
        Pending pending = new Pending();
        for (LabeledBatch b : held) {
            int image = b.batch().pixels().length / b.batch().size();
            for (int i = 0; i < b.batch().size(); i++) {
                if (!wanted.contains(b.files().get(i))) {
                    continue;
                }
                pending.add(b.batch().pixels(), i * image, image, b.labels()[i], b.files().get(i), b.batch().shape());
                if (pending.size() == batchSize) {
                    out.add(pending.take());
                }
            }
        }
        if (pending.size() > 0) {
            out.add(pending.take());
        }
        return out;
    }

    /** Images gathered for the next batch of {@link #subset}. */
    private static final class Pending {
        private final List<float[]> pixels = new ArrayList<>();
        private final List<Integer> labels = new ArrayList<>();
        private final List<Path> files = new ArrayList<>();
        private long[] imageShape;

        void add(float[] from, int offset, int length, int label, Path file, long[] batchShape) {
            pixels.add(Arrays.copyOfRange(from, offset, offset + length));
            labels.add(label);
            files.add(file);
            imageShape = Arrays.copyOfRange(batchShape, 1, batchShape.length);
        }

        int size() {
            return pixels.size();
        }

        LabeledBatch take() {
            int image = pixels.get(0).length;
            float[] all = new float[image * pixels.size()];
            for (int i = 0; i < pixels.size(); i++) {
                System.arraycopy(pixels.get(i), 0, all, i * image, image);
            }
            long[] shape = new long[imageShape.length + 1];
            shape[0] = pixels.size();
            System.arraycopy(imageShape, 0, shape, 1, imageShape.length);
            LabeledBatch b = new LabeledBatch(new CalibrationInputs.Batch(all, shape), labels.stream().mapToInt(Integer::intValue).toArray(),
                    files);
            pixels.clear();
            labels.clear();
            files.clear();
            return b;
        }
    }

    /** The batches without labels. */
    public static List<CalibrationInputs.Batch> batches(List<LabeledBatch> held) {
        return held.stream().map(LabeledBatch::batch).toList();
    }
}
