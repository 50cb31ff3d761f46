package io.vitshrink.data.dataset;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One image of a dataset: its file and its class index in the model's output order, or
 * {@link #UNLABELED}.
 */
public record DatasetEntry(Path file, int label) {
    /** Label of an image whose class is unknown (calibration needs none). */
    public static final int UNLABELED = -1;

    public DatasetEntry {
        Objects.requireNonNull(file, "file");
        if (label < UNLABELED) {
            throw new IllegalArgumentException("label must be >= 0 or UNLABELED, got " + label);
        }
    }

    public boolean isLabeled() {
        return label != UNLABELED;
    }

    /** The file's name without its folders, for logs and per-image reports. */
    public String fileName() {
        return file.getFileName().toString();
    }
}
