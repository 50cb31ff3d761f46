package io.vitshrink.prune.calibration;

import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;

/** Calibration batches read from an image dataset by the batch loader (decode in workers, tensor cache). */
public final class LoaderImages implements CalibrationImages {
    private final ImageDataset dataset;
    private final PreprocessRecipe recipe;
    private final LoaderOptions options;

    public LoaderImages(ImageDataset dataset, PreprocessRecipe recipe, LoaderOptions options) {
        this.dataset = dataset;
        this.recipe = recipe;
        this.options = options;
    }

    public int size() {
        return dataset.size();
    }

    @Override
    public Pass open() {
        BatchLoader loader = BatchLoader.open(dataset, recipe, options);
        return new Pass() {
            @Override
            public boolean hasNext() {
                return loader.hasNext();
            }

            @Override
            public Batch next() {
                io.vitshrink.data.loader.Batch b = loader.next();
                return new Batch(b.pixels(), b.shape());
            }

            @Override
            public void close() {
                loader.close();
            }
        };
    }
}
