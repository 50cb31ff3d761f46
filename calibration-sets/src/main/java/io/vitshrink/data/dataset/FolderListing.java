package io.vitshrink.data.dataset;

import io.vitshrink.data.images.ImageFiles;
import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deterministic folder listing: sorted by name (Java's {@code String} order, never the file system's
 * whim), hidden entries and non-image names left out.
 */
final class FolderListing {
    private static final Logger LOG = LoggerFactory.getLogger(FolderListing.class);
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

    /**
     * Image files anywhere below {@code dir}, each folder's files sorted, folders visited in sorted order.
     * Symbolic links to folders are followed, but each real folder is listed once, and never one that
     * holds {@code dir}: a link back up the tree (a cycle) or a second link to the same folder is skipped
     * with a warning, so a folder of links can neither hang the listing nor count its images twice.
     */
    static List<Path> imagesRecursive(Path dir) {
        List<Path> out = new ArrayList<>();
        collect(dir, realPath(dir), new HashSet<>(), out);
        return out;
    }

    private static void collect(Path dir, Path top, Set<Path> listed, List<Path> out) {
        Path real = realPath(dir);
        boolean above = !real.equals(top) && top.startsWith(real);
        if (above || !listed.add(real)) {
            LOG.warn("skipping {}: it leads to {}, which {} (a symbolic link cycle or a second link)", dir, real,
                    above ? "holds " + top : "is already listed");
            return;
        }
        out.addAll(images(dir));
        for (Path sub : subfolders(dir)) {
            collect(sub, top, listed, out);
        }
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UserException("cannot list folder " + dir + ": " + e.getMessage());
        }
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
