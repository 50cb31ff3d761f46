package io.vitshrink.onnx.testkit;

import java.nio.file.Path;

/**
 * One image written by {@link SyntheticImages#write}.
 *
 * @param file      the PNG file
 * @param label     its class index
 * @param className the class's name ({@code class_07}); class names sort in index order
 * @param index     the image's index in its set: {@code SyntheticImages.pixels(seed, index, …)} redraws it
 */
public record LabeledImage(Path file, int label, String className, int index) {
}
