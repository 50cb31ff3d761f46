package io.vitshrink.onnx.testkit;

/** How {@link SyntheticImages#write} lays out a generated image set on disk. */
public enum ImageLayout {
    /**
     * {@code <folder>/<class name>/<image>.png}, one sub-folder per class (all classes, even those
     * without images, so that sorted folder names give class indices).
     */
    FOLDER_PER_CLASS,

    /**
     * {@code <folder>/<image>.png} plus {@code <folder>/labels.txt} with {@code <file> <class index>}
     * per line (the format of {@code ../shared/datasets/imagenet-val-1300/labels.txt}).
     */
    FLAT_WITH_LABELS
}
