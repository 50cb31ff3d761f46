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
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.ValueInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        if (workers < 0 || workers > OptionRanges.MAX_THREADS) {
            throw new UserException("--workers must be 0 (one per core) or a count up to " + OptionRanges.MAX_THREADS
                    + ", not " + workers);
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

    /** The {@code --preset} file, when the option names one (an input: never to be overwritten), else null. */
    Path presetFile() {
        return preset == null || RecipePresets.names().contains(preset) ? null : Path.of(preset);
    }

    /** A {@code --data}/{@code --calib}/{@code --eval} value that is a manifest file (an input), else null. */
    static Path manifestFile(String data) {
        if (data == null || data.isBlank() || data.startsWith("shared:")) {
            return null;
        }
        Path p = Path.of(data);
        return Files.isRegularFile(p) ? p : null;
    }

    /**
     * Refuses preprocessing whose output is not the size the model takes, before any image is decoded
     * (ONNX Runtime would otherwise fail on the first batch with a message about "invalid dimensions").
     */
    static void checkFits(Model model, PreprocessRecipe recipe) {
        List<ValueInfo> feeds = model.graph().feedInputs();
        if (feeds.size() != 1 || !feeds.get(0).hasShape() || feeds.get(0).shape().size() != 4) {
            return; // not a single image input: reported when the model is run
        }
        List<Dim> s = feeds.get(0).shape();
        String input = feeds.get(0).name();
        if (s.get(1).isFixed() && s.get(1).value() != recipe.channels()) {
            throw new UserException("the model's input '" + input + "' takes " + s.get(1).value()
                    + " channels; vitshrink feeds RGB images (3 channels)");
        }
        for (int axis = 2; axis < 4; axis++) {
            if (s.get(axis).isFixed() && s.get(axis).value() != recipe.crop()) {
                throw new UserException("the model's input '" + input + "' takes " + s.get(2) + "×" + s.get(3)
                        + " images, but preprocessing '" + recipe.name() + "' gives " + recipe.crop() + "×" + recipe.crop()
                        + "; pass --preset with a recipe whose crop is " + s.get(axis).value()
                        + " (see README: preprocessing recipes)");
            }
        }
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
