package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads every image below a folder (subfolders included, sorted), without labels. */
final class UnlabeledLayout {
    private UnlabeledLayout() {
    }

    static ImageDataset read(Path folder, String name) {
        List<Path> files = FolderListing.imagesRecursive(folder);
        if (files.isEmpty()) {
            throw new UserException("no images in " + folder);
        }
        List<DatasetEntry> entries = new ArrayList<>(files.size());
        for (Path f : files) {
            entries.add(new DatasetEntry(f, DatasetEntry.UNLABELED));
        }
        return new ImageDataset(name, folder, entries, List.of());
    }
}
