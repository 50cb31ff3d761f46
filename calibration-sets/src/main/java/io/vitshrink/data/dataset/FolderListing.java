package io.vitshrink.data.dataset;

import io.vitshrink.data.images.ImageFiles;
import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deterministic folder listing: sorted by name (Java's {@code String} order, never the file system's
 * whim), hidden entries and non-image names left out.
 */
final class FolderListing {
    private static final Comparator<Path> BY_NAME = Comparator.comparing(p -> p.getFileName().toString());

    private FolderListing() {
    }

    /** Image files directly in {@code dir}, sorted. */
    static List<Path> images(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p : children(dir)) {
            if (ImageFiles.isImagePath(p) && Files.isRegularFile(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Image files anywhere below {@code dir}, each folder's files sorted, folders visited in sorted order. */
    static List<Path> imagesRecursive(Path dir) {
        List<Path> out = new ArrayList<>(images(dir));
        for (Path sub : subfolders(dir)) {
            out.addAll(imagesRecursive(sub));
        }
        return out;
    }

    /** Non-hidden subfolders of {@code dir}, sorted. */
    static List<Path> subfolders(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p : children(dir)) {
            if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted(BY_NAME).toList();
        } catch (IOException e) {
            throw new UserException("cannot list folder " + dir + ": " + e.getMessage());
        }
    }
}
