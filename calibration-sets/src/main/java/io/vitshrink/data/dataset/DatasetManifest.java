package io.vitshrink.data.dataset;

import io.vitshrink.data.preprocess.PreprocessRecipe;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A dataset described in a small file rather than on the command line: where the images are, how they
 * are labelled, and which preprocessing the models evaluated on it expect. Paths here are already
 * resolved (see {@link ManifestReader}).
 *
 * @param name        name for reports
 * @param description free text, may be empty
 * @param folder      the image folder
 * @param labels      labels file, or null
 * @param synsets     synset file, or null
 * @param layout      layout, or null to detect
 * @param recipe      preprocessing recipe, or null if the manifest names none
 */
public record DatasetManifest(String name, String description, Path folder, Path labels, Path synsets,
        DatasetLayout layout, PreprocessRecipe recipe) {

    public DatasetManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(folder, "folder");
        description = description == null ? "" : description;
    }

    /** Reads the images and labels the manifest describes. */
    public ImageDataset open() {
        return FolderReader.read(folder, new DatasetOptions(layout, labels, synsets, name));
    }

    public Optional<PreprocessRecipe> preprocessing() {
        return Optional.ofNullable(recipe);
    }
}
