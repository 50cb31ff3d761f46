package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads torchvision's {@code ImageFolder} layout: {@code <class>/<...>/image.jpg}. Classes are the
 * sorted subfolder names, as torchvision numbers them, unless a synset file is given and every folder
 * is named by a wnid, in which case labels follow the synset file (so a subset of ImageNet classes
 * keeps the model's indices).
 */
final class ClassFolderLayout {
    private static final Logger LOG = LoggerFactory.getLogger(ClassFolderLayout.class);

    private ClassFolderLayout() {
    }

    static ImageDataset read(Path folder, LabelMap synsets, String name) {
        List<Path> classes = FolderListing.subfolders(folder);
        if (classes.isEmpty()) {
            throw new UserException("no class subfolders in " + folder);
        }
        boolean byWnid = synsets != null && classes.stream().allMatch(c -> Wnids.isWnid(c.getFileName().toString()));
        List<DatasetEntry> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            Path dir = classes.get(i);
            String folderName = dir.getFileName().toString();
            int label = i;
            if (byWnid) {
                OptionalInt idx = synsets.indexOf(folderName);
                if (idx.isEmpty()) {
                    throw new UserException("class folder '" + folderName + "' is not a WordNet id in " + synsets.describe());
                }
                label = idx.getAsInt();
            } else {
                names.add(folderName);
            }
            List<Path> files = FolderListing.imagesRecursive(dir);
            if (files.isEmpty()) {
                LOG.warn("class folder {} holds no images", dir);
            }
            for (Path f : files) {
                entries.add(new DatasetEntry(f, label));
            }
        }
        if (entries.isEmpty()) {
            throw new UserException("no images in the class folders of " + folder);
        }
        return new ImageDataset(name, folder, entries, byWnid ? synsets.shortNames() : names);
    }
}
