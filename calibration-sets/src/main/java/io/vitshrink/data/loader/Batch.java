package io.vitshrink.data.loader;

import java.nio.file.Path;
import java.util.List;

/**
 * A batch of preprocessed images: {@code size x channels x height x width} float32 values in NCHW order,
 * with each image's label, dataset position and file.
 *
 * @param index         0-based number of this batch in the run
 * @param pixels        the NCHW tensor data (owned by the batch; feed it to the model as is)
 * @param labels        class index per image, -1 where unlabelled
 * @param entryIndices  each image's position in the dataset (skipped images leave gaps)
 * @param files         each image's file
 * @param channels      3
 * @param height        crop height
 * @param width         crop width
 */
public record Batch(int index, float[] pixels, int[] labels, int[] entryIndices, List<Path> files, int channels,
        int height, int width) {

    public Batch {
        files = List.copyOf(files);
        if (labels.length != files.size() || entryIndices.length != files.size()
                || pixels.length != (long) labels.length * channels * height * width) {
            throw new IllegalArgumentException("inconsistent batch: " + labels.length + " labels, " + files.size()
                    + " files, " + pixels.length + " floats for " + channels + "x" + height + "x" + width + " images");
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** {@code {size, channels, height, width}}, as ONNX Runtime wants it. */
    public long[] shape() {
        return new long[] {size(), channels, height, width};
    }

    /** The files' names without folders. */
    public List<String> fileNames() {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }
}
