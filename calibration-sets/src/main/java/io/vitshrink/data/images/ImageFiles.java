package io.vitshrink.data.images;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Which file names count as images when a folder is listed.
 *
 * <p>The extension only decides whether a file is <em>listed</em>; decoding always looks at the
 * content. So a {@code labels.txt} or {@code README.md} next to the photos is quietly ignored, while a
 * {@code .jpg} that is really a PNG still decodes and a {@code .jpg} that is really text is reported
 * as a skipped image instead of vanishing.
 */
public final class ImageFiles {
    /** Lower-case extensions (without the dot) of formats Pillow-based pipelines commonly read. */
    public static final Set<String> EXTENSIONS = Set.of(
            "jpg", "jpeg", "jpe", "jfif", "png", "bmp", "gif", "tif", "tiff", "webp");

    private ImageFiles() {
    }

    /** True if the name has an image extension and is not hidden (dot files, macOS {@code ._} forks). */
    public static boolean isImageName(String fileName) {
        if (fileName.startsWith(".")) {
            return false;
        }
        int dot = fileName.lastIndexOf('.');
        if (dot <= 0 || dot == fileName.length() - 1) {
            return false;
        }
        return EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@link #isImageName(String)} applied to the path's last element. */
    public static boolean isImagePath(Path path) {
        Path name = path.getFileName();
        return name != null && isImageName(name.toString());
    }
}
