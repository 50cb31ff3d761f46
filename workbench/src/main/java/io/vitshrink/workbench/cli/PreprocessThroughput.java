package io.vitshrink.workbench.cli;

import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.dataset.DatasetResolver;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.sampling.SeededSampler;
import io.vitshrink.onnx.UserException;

/** Decode + preprocess throughput of the input pipeline, cache off (the cold-path figure). */
final class PreprocessThroughput {

    record Result(int images, double imagesPerSecond, int threads) {
    }

    private PreprocessThroughput() {
    }

    static Result measure(String data, String preset, int limit, boolean quiet) {
        ImageDataset dataset = DatasetResolver.resolve(data).dataset();
        if (limit < dataset.size()) {
            dataset = SeededSampler.sample(dataset, limit, 0);
        }
        LoaderOptions options = LoaderOptions.defaults().withCache(TensorCache.disabled());
        long t0 = System.nanoTime();
        int images = 0;
        try (BatchLoader loader = BatchLoader.open(dataset, DataOptions.recipe(preset), options)) {
            while (loader.hasNext()) {
                images += loader.next().size();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (images == 0) {
            throw new UserException("none of the " + dataset.size() + " images of " + data
                    + " could be read (see the warnings above); --data needs decodable images");
        }
        return new Result(images, images / seconds, options.threads());
    }
}
