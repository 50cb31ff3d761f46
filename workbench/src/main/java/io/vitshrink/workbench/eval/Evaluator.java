package io.vitshrink.workbench.eval;

import io.vitshrink.data.loader.Batch;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.metrics.ClassificationMetrics;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.workbench.output.Progress;

/**
 * Runs a model (and optionally a reference model on the same images) over every batch a loader
 * gives and accumulates {@link ClassificationMetrics}. Decoding happens in the loader's worker
 * threads while ONNX Runtime works on the previous batch.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * Evaluates on a dataset with a progress bar on stderr: opens the loader, runs, closes everything
     * (also on errors).
     */
    public static EvalResult run(Runner model, Runner reference, ImageDataset dataset, PreprocessRecipe recipe,
            LoaderOptions options, boolean quiet) {
        try (Progress progress = Progress.start("eval", dataset.size(), quiet);
                BatchLoader loader = BatchLoader.open(dataset, recipe,
                        options.withProgress((done, total) -> progress.advanceTo(done)))) {
            return run(model, reference, loader);
        }
    }

    public static EvalResult run(Runner model, Runner reference, BatchLoader loader) {
        ClassificationMetrics metrics = new ClassificationMetrics();
        ClassificationMetrics referenceMetrics = reference == null ? null : new ClassificationMetrics();
        long start = System.nanoTime();
        long inferenceNanos = 0;
        int classes = -1;
        while (loader.hasNext()) {
            Batch batch = loader.next();
            long t0 = System.nanoTime();
            Tensor logits = model.runBatch(batch.pixels(), batch.shape());
            inferenceNanos += System.nanoTime() - t0;
            if (classes < 0) {
                classes = classesOf(logits, batch.size());
                checkLabels(batch.labels(), classes);
            }
            float[] ref = null;
            if (reference != null) {
                Tensor r = reference.runBatch(batch.pixels(), batch.shape());
                if (r.numel() != logits.numel()) {
                    throw new UserException("the reference model outputs " + r.numel() / batch.size()
                            + " values per image but the model " + logits.numel() / batch.size());
                }
                ref = r.toFloats();
            }
            if (referenceMetrics != null) {
                referenceMetrics.add(ref, classes, batch.labels(), null);
            }
            checkLabels(batch.labels(), classes);
            metrics.add(logits.toFloats(), classes, batch.labels(), ref);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (metrics.images() == 0) {
            java.util.List<io.vitshrink.data.loader.SkippedImage> skipped = loader.skipped();
            throw new UserException("none of the " + loader.dataset().size() + " images of " + loader.dataset().name()
                    + " could be read" + (skipped.isEmpty() ? "" : " (e.g. " + skipped.get(0).file().getFileName() + ": "
                    + skipped.get(0).reason() + ")") + "; evaluation needs decodable images");
        }
        return new EvalResult(metrics, referenceMetrics, loader.stats().skipped(), seconds, inferenceNanos / 1e9);
    }

    private static int classesOf(Tensor logits, int batch) {
        long perImage = logits.numel() / batch;
        if (logits.rank() < 2 || perImage < 2) {
            throw new UserException("the model's output " + java.util.Arrays.toString(logits.dims())
                    + " is not [batch, classes] logits");
        }
        return Math.toIntExact(perImage);
    }

    private static void checkLabels(int[] labels, int classes) {
        for (int l : labels) {
            if (l >= classes) {
                throw new UserException("the dataset has label " + l + " but the model outputs only " + classes
                        + " classes; is the label file meant for another model?");
            }
        }
    }
}
