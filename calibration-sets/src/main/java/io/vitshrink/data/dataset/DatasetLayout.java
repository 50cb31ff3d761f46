package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How images and labels are arranged in a dataset folder. */
public enum DatasetLayout {
    /** Flat folder, each file name starting with its WordNet id: {@code n01440764_tench.JPEG}. */
    WNID_PREFIXED("wnid-prefixed"),
    /** Folder plus a text file of {@code <file> <class index>} lines. */
    LABELS_FILE("labels-file"),
    /** torchvision {@code ImageFolder}: one subfolder per class. */
    CLASS_FOLDERS("class-folders"),
    /** Images without labels. */
    UNLABELED("unlabeled");

    private final String key;

    DatasetLayout(String key) {
        this.key = key;
    }

    /** The name used in manifests and on the command line. */
    public String key() {
        return key;
    }

    /** Parses a layout name; {@code auto} (or null) means "detect", returned as null. */
    public static DatasetLayout parse(String text) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("auto")) {
            return null;
        }
        for (DatasetLayout l : values()) {
            if (l.key.equalsIgnoreCase(text.trim())) {
                return l;
            }
        }
        throw new UserException("unknown dataset layout '" + text + "': use auto, "
                + Arrays.stream(values()).map(DatasetLayout::key).collect(Collectors.joining(", ")));
    }
}
