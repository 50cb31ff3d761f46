package io.vitshrink.workbench.cli;

import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.dataset.DatasetResolver;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.dataset.ResolvedDataset;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.data.preprocess.RecipePresets;
import io.vitshrink.data.preprocess.RecipeReader;
import io.vitshrink.data.sampling.SeededSampler;
import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reads images: preset, sample size, batch size, decoding threads, tensor cache. */
public final class DataOptions {

    @Option(names = "--preset", paramLabel = "P",
            description = "preprocessing: a preset (imagenet-deit, imagenet-inception) or a JSON/YAML recipe file; "
                    + "default: the dataset manifest's preset, else imagenet-deit")
    String preset;

    @Option(names = "--limit", paramLabel = "N", description = "use a seeded sample of N images (default: all)")
    Integer limit;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the --limit sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--batch-size", defaultValue = "32", description = "images per inference batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--workers", defaultValue = "0",
            description = "image decoding threads (default 0 = one per core)")
    int workers;

    @Option(names = "--no-cache", description = "do not read or write the preprocessed-tensor cache")
    boolean noCache;

    @Option(names = "--max-megapixels", defaultValue = "100",
            description = "refuse images that declare more pixels than this before decoding them (decompression-bomb guard; "
                    + "default: ${DEFAULT-VALUE})")
    double maxMegapixels;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "preprocessed-tensor cache folder (default: ~/.cache/vitshrink/tensors)")
    Path cacheDir;

    /** A dataset with its recipe, sampled when --limit is given. */
    public record Prepared(ImageDataset dataset, PreprocessRecipe recipe, String source) {
    }

    public Prepared prepare(String data) {
        ResolvedDataset resolved = DatasetResolver.resolve(data);
        PreprocessRecipe recipe = preset != null ? recipe(preset)
                : resolved.recipe().orElse(RecipePresets.IMAGENET_DEIT);
        ImageDataset dataset = resolved.dataset();
        if (limit != null) {
            if (limit < 1) {
                throw new UserException("--limit must be at least 1, not " + limit);
            }
            if (limit < dataset.size()) {
                dataset = SeededSampler.sample(dataset, limit, seed);
            }
        }
        return new Prepared(dataset, recipe, resolved.source());
    }

    /** The whole dataset (no --limit sample): for calibration pools, which are sampled separately. */
    public Prepared prepareAll(String data) {
        ResolvedDataset resolved = DatasetResolver.resolve(data);
        PreprocessRecipe recipe = preset != null ? recipe(preset) : resolved.recipe().orElse(RecipePresets.IMAGENET_DEIT);
        return new Prepared(resolved.dataset(), recipe, resolved.source());
    }

    public LoaderOptions loaderOptions() {
        if (batchSize < 1 || batchSize > 4096) {
            throw new UserException("--batch-size must be between 1 and 4096, not " + batchSize);
        }
        if (workers < 0) {
            throw new UserException("--workers must be 0 (one per core) or a positive count, not " + workers);
        }
        if (!(maxMegapixels > 0) || maxMegapixels > 10_000) {
            throw new UserException("--max-megapixels must be between 0 and 10000, not " + maxMegapixels);
        }
        LoaderOptions o = LoaderOptions.defaults().withBatchSize(batchSize).withMaxPixels((long) (maxMegapixels * 1e6));
        if (workers > 0) {
            o = o.withThreads(workers);
        }
        TensorCache cache = noCache ? TensorCache.disabled()
                : cacheDir != null ? TensorCache.at(cacheDir) : TensorCache.atDefaultLocation();
        return o.withCache(cache);
    }

    static PreprocessRecipe recipe(String nameOrFile) {
        if (RecipePresets.names().contains(nameOrFile)) {
            return RecipePresets.get(nameOrFile);
        }
        Path file = Path.of(nameOrFile);
        if (Files.isRegularFile(file)) {
            return RecipeReader.read(file);
        }
        throw new UserException("unknown preset '" + nameOrFile + "': use one of " + RecipePresets.names()
                + " or the path of a JSON/YAML recipe file");
    }
}
