package io.vitshrink.data.loader;

import java.nio.file.Path;

/**
 * An image left out of the batches because it could not be read.
 *
 * @param index  its position in the dataset
 * @param file   the file
 * @param reason one line, e.g. "truncated image data" or "not an image in a supported format"
 */
public record SkippedImage(int index, Path file, String reason) {
}
