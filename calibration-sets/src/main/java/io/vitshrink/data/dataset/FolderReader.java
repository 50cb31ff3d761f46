package io.vitshrink.data.dataset;

import io.vitshrink.data.images.ImageFiles;
import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a dataset folder in any of the {@link DatasetLayout}s, detecting the layout when not told.
 *
 * <p>Detection, in order: a labels file given, or a {@code labels.txt} in the folder, means
 * {@link DatasetLayout#LABELS_FILE}; images directly in the folder all named {@code <wnid>_...} mean
 * {@link DatasetLayout#WNID_PREFIXED}, other direct images {@link DatasetLayout#UNLABELED}; no direct
 * images but subfolders with images mean {@link DatasetLayout#CLASS_FOLDERS}. A folder holding only
 * an {@code images/} subfolder (the shape of the shared sets) is read through it.
 *
 * <p>When no synset file is given for wnid-named images, a {@code synsets.txt} or
 * {@code synsets-*.txt} in the folder or its parent is used if there is exactly one, and logged.
 */
public final class FolderReader {
    /** The labels file name looked for during detection. */
    public static final String LABELS_FILE_NAME = "labels.txt";

    private static final Logger LOG = LoggerFactory.getLogger(FolderReader.class);

    private FolderReader() {
    }

    /** Reads {@code folder}, detecting its layout. */
    public static ImageDataset read(Path folder) {
        return read(folder, DatasetOptions.AUTO);
    }

    /** Reads {@code folder} with whatever the options pin down, detecting the rest. */
    public static ImageDataset read(Path folder, DatasetOptions options) {
        if (!Files.exists(folder)) {
            throw new UserException("dataset folder does not exist: " + folder);
        }
        if (!Files.isDirectory(folder)) {
            throw new UserException("not a folder: " + folder);
        }
        String name = options.name() != null ? options.name() : folder.toAbsolutePath().normalize().getFileName().toString();
        LabelMap synsets = options.synsets() == null ? null : LabelMap.read(options.synsets());
        Path imageFolder = imageFolder(folder);
        DatasetLayout layout = options.layout();
        Path labels = options.labels();
        if (labels != null && layout != null && layout != DatasetLayout.LABELS_FILE) {
            throw new UserException("a labels file only goes with layout 'labels-file', not '" + layout.key() + "'");
        }
        if (labels == null && (layout == null || layout == DatasetLayout.LABELS_FILE)) {
            labels = findLabelsFile(folder, imageFolder);
        }
        if (layout == null) {
            layout = detect(imageFolder, labels);
            LOG.debug("{}: detected layout {}", folder, layout.key());
        }
        switch (layout) {
            case LABELS_FILE:
                if (labels == null) {
                    throw new UserException("layout 'labels-file' needs a labels file: none given and no "
                            + LABELS_FILE_NAME + " in " + folder);
                }
                return LabelsFileLayout.read(imageFolder, labels, synsets, name);
            case WNID_PREFIXED:
                return WnidPrefixedLayout.read(imageFolder, synsets != null ? synsets : discoverSynsets(folder, imageFolder),
                        name);
            case CLASS_FOLDERS:
                return ClassFolderLayout.read(imageFolder, synsets != null ? synsets : discoverSynsets(folder, imageFolder),
                        name);
            default:
                return UnlabeledLayout.read(imageFolder, name);
        }
    }

    /** The folder itself, or its {@code images/} subfolder if that is its only subfolder and it has no images of its own. */
    static Path imageFolder(Path folder) {
        List<Path> subfolders = FolderListing.subfolders(folder);
        boolean onlyImages = subfolders.size() == 1 && subfolders.get(0).getFileName().toString().equals("images");
        return onlyImages && FolderListing.images(folder).isEmpty() ? subfolders.get(0) : folder;
    }

    private static Path findLabelsFile(Path folder, Path imageFolder) {
        for (Path dir : List.of(folder, imageFolder)) {
            Path candidate = dir.resolve(LABELS_FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static DatasetLayout detect(Path imageFolder, Path labels) {
        if (labels != null) {
            return DatasetLayout.LABELS_FILE;
        }
        List<Path> direct = FolderListing.images(imageFolder);
        if (!direct.isEmpty()) {
            boolean allWnid = direct.stream().allMatch(p -> Wnids.prefixOf(p.getFileName().toString()).isPresent());
            return allWnid ? DatasetLayout.WNID_PREFIXED : DatasetLayout.UNLABELED;
        }
        for (Path sub : FolderListing.subfolders(imageFolder)) {
            if (!FolderListing.imagesRecursive(sub).isEmpty()) {
                return DatasetLayout.CLASS_FOLDERS;
            }
        }
        throw new UserException("no images in " + imageFolder + " (looked for files ending in ."
                + String.join(", .", ImageFiles.EXTENSIONS.stream().sorted().toList()) + ", and for class subfolders)");
    }

    private static LabelMap discoverSynsets(Path folder, Path imageFolder) {
        List<Path> dirs = new ArrayList<>(List.of(imageFolder, folder));
        Path parent = folder.toAbsolutePath().normalize().getParent();
        if (parent != null) {
            dirs.add(parent);
        }
        for (Path dir : dirs) {
            List<Path> found = synsetFiles(dir);
            if (found.size() == 1) {
                LOG.info("using synset file {} for the class order of {}", found.get(0), folder);
                return LabelMap.read(found.get(0));
            }
            if (found.size() > 1) {
                LOG.warn("several synset files in {}; pass one explicitly", dir);
                return null;
            }
        }
        return null;
    }

    private static List<Path> synsetFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.equals("synsets.txt") || (n.startsWith("synsets-") && n.endsWith(".txt"))) && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
