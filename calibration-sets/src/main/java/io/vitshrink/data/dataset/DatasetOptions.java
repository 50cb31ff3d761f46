package io.vitshrink.data.dataset;

import java.nio.file.Path;

/**
 * What a user may say about a dataset folder beyond its path; every part optional.
 *
 * @param layout  the layout, or null to detect it
 * @param labels  a {@code <file> <class index>} file (implies {@link DatasetLayout#LABELS_FILE})
 * @param synsets a {@code <wnid> <names>} file giving the model's class order
 * @param name    a name for reports, or null for the folder's name
 */
public record DatasetOptions(DatasetLayout layout, Path labels, Path synsets, String name) {
    /** Detect everything. */
    public static final DatasetOptions AUTO = new DatasetOptions(null, null, null, null);
}
