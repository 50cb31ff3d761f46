package io.vitshrink.data.dataset;

import io.vitshrink.data.preprocess.PreprocessRecipe;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code --data} resolved to: the dataset, the preprocessing its manifest asks for (if any), and
 * the original argument for reports.
 */
public record ResolvedDataset(ImageDataset dataset, Optional<PreprocessRecipe> recipe, String source) {
    public ResolvedDataset {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(source, "source");
    }
}
