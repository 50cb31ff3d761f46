package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a flat folder of {@code <wnid>_<anything>.<ext>} files (the ImageNet sample layout). */
final class WnidPrefixedLayout {
    private static final Logger LOG = LoggerFactory.getLogger(WnidPrefixedLayout.class);

    private WnidPrefixedLayout() {
    }

    /**
     * @param synsets the model's classes; null to number the wnids found in sorted order, which equals
     *                ImageNet-1k order only if every class is present
     */
    static ImageDataset read(Path folder, LabelMap synsets, String name) {
        List<Path> files = FolderListing.images(folder);
        if (files.isEmpty()) {
            throw new UserException("no images in " + folder);
        }
        List<String> ids = new ArrayList<>(files.size());
        for (Path f : files) {
            Optional<String> id = Wnids.prefixOf(f.getFileName().toString());
            if (id.isEmpty()) {
                throw new UserException("file '" + f.getFileName() + "' in " + folder
                        + " does not start with a WordNet id like n01440764_; use layout 'unlabeled' or 'labels-file'");
            }
            ids.add(id.get());
        }
        LabelMap labels = synsets;
        if (labels == null) {
            labels = LabelMap.ofIds(List.copyOf(new TreeSet<>(ids)));
            LOG.warn("{}: no synset file given; labels are positions among the {} WordNet ids found, which matches "
                    + "a model's class order only if all its classes are present", folder, labels.size());
        }
        List<DatasetEntry> entries = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            OptionalInt label = labels.indexOf(ids.get(i));
            if (label.isEmpty()) {
                throw new UserException("WordNet id '" + ids.get(i) + "' of file " + files.get(i).getFileName()
                        + " is not in " + labels.describe());
            }
            entries.add(new DatasetEntry(files.get(i), label.getAsInt()));
        }
        return new ImageDataset(name, folder, entries, labels.shortNames());
    }
}
