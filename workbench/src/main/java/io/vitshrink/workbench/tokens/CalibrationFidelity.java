package io.vitshrink.workbench.tokens;

import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.Batch;
import io.vitshrink.data.loader.BatchLoader;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.onnx.metrics.ClassificationMetrics;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.prune.tokens.schedule.Fidelity;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores candidate models by their agreement with the float model on calibration images. The images
 * are decoded once and kept in memory with the float model's logits (256 images of 224² are 154 MB),
 * so each candidate costs one inference pass.
 */
public final class CalibrationFidelity {
    private final List<float[]> pixels = new ArrayList<>();
    private final List<long[]> shapes = new ArrayList<>();
    private final List<int[]> labels = new ArrayList<>();
    private final List<float[]> floatLogits = new ArrayList<>();
    private final RunnerOptions runnerOptions;
    private int classes;
    private int images;
    private ClassificationMetrics floatMetrics;

    public CalibrationFidelity(Model floatModel, ImageDataset dataset, PreprocessRecipe recipe, LoaderOptions loader,
            RunnerOptions runnerOptions) {
        this.runnerOptions = runnerOptions;
        floatMetrics = new ClassificationMetrics();
        try (BatchLoader l = BatchLoader.open(dataset, recipe, loader); Runner f = Runner.open(floatModel, runnerOptions)) {
            while (l.hasNext()) {
                Batch b = l.next();
                Tensor logits = f.runBatch(b.pixels(), b.shape());
                classes = (int) (logits.numel() / b.size());
                pixels.add(b.pixels());
                shapes.add(b.shape());
                labels.add(b.labels());
                floatLogits.add(logits.toFloats());
                floatMetrics.add(logits.toFloats(), classes, b.labels(), null);
                images += b.size();
            }
        }
    }

    public int images() {
        return images;
    }

    /** The float model's top-1 on the calibration images (when they are labelled). */
    public double floatTop1() {
        return floatMetrics.top1();
    }

    public Fidelity score(Model candidate) {
        ClassificationMetrics m = new ClassificationMetrics();
        try (Runner r = Runner.open(candidate, runnerOptions)) {
            for (int i = 0; i < pixels.size(); i++) {
                m.add(r.runBatch(pixels.get(i), shapes.get(i)).toFloats(), classes, labels.get(i), floatLogits.get(i));
            }
        }
        return new Fidelity(m.agreementTop1(), m.meanKl());
    }
}
