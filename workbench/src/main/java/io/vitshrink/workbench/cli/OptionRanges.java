package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;

/** Range checks of numeric options shared by several commands; each names the option. */
final class OptionRanges {
    /** Largest {@code --image-size}: a 4096² float image is already 200 MB per input. */
    static final int MAX_IMAGE_SIZE = 4096;
    /** Largest thread count for decoding workers or ONNX Runtime. */
    static final int MAX_THREADS = 1024;

    private OptionRanges() {
    }

    static int imageSize(int value) {
        if (value < 1 || value > MAX_IMAGE_SIZE) {
            throw new UserException("--image-size must be between 1 and " + MAX_IMAGE_SIZE + ", not " + value);
        }
        return value;
    }
}
