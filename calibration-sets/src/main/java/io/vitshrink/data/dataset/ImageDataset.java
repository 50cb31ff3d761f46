package io.vitshrink.data.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered, immutable list of images with optional labels, plus the names of the classes that the
 * labels index (empty when unknown).
 *
 * <p>Order is part of the contract: it is the order batches arrive in, the order per-image results are
 * reported in and the population that seeded sampling draws from.
 */
public final class ImageDataset {
    private final String name;
    private final Path root;
    private final List<DatasetEntry> entries;
    private final List<String> classNames;

    /**
     * @param name       short label for logs and reports
     * @param root       the folder the images were read from (for messages)
     * @param entries    the images in dataset order
     * @param classNames display name per label index; empty if unknown. When given, every label must
     *                   index into it.
     */
    public ImageDataset(String name, Path root, List<DatasetEntry> entries, List<String> classNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.root = Objects.requireNonNull(root, "root");
        this.entries = List.copyOf(entries);
        this.classNames = List.copyOf(classNames);
        if (!this.classNames.isEmpty()) {
            for (DatasetEntry e : this.entries) {
                if (e.label() >= this.classNames.size()) {
                    throw new IllegalArgumentException("label " + e.label() + " of " + e.file() + " is not below the "
                            + this.classNames.size() + " class names");
                }
            }
        }
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    public int size() {
        return entries.size();
    }

    public DatasetEntry get(int index) {
        return entries.get(index);
    }

    /** All entries, in dataset order (unmodifiable). */
    public List<DatasetEntry> entries() {
        return entries;
    }

    /** Display name per label index; empty if the dataset does not know them. */
    public List<String> classNames() {
        return classNames;
    }

    /** Number of classes: the class names if known, else one more than the largest label (0 if none). */
    public int classCount() {
        if (!classNames.isEmpty()) {
            return classNames.size();
        }
        int max = DatasetEntry.UNLABELED;
        for (DatasetEntry e : entries) {
            max = Math.max(max, e.label());
        }
        return max + 1;
    }

    /** True if every image has a label (an empty dataset is not labelled). */
    public boolean isLabeled() {
        return !entries.isEmpty() && entries.stream().allMatch(DatasetEntry::isLabeled);
    }

    /** The entries at {@code indices}, in the order given, as a new dataset with the same classes. */
    public ImageDataset select(int[] indices, String newName) {
        List<DatasetEntry> picked = new ArrayList<>(indices.length);
        for (int i : indices) {
            picked.add(entries.get(i));
        }
        return new ImageDataset(newName, root, picked, classNames);
    }

    @Override
    public String toString() {
        return "ImageDataset[" + name + ": " + entries.size() + " images" + (classNames.isEmpty() ? "" : ", "
                + classNames.size() + " classes") + ", from " + root + "]";
    }
}
