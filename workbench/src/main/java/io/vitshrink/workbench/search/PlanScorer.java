package io.vitshrink.workbench.search;

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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Scores quantized models on one image set against the float model, whose logits are computed once
 * when the scorer is made: held-out images from memory, or an evaluation set streamed from the tensor
 * cache (decoded once, on the first pass).
 */
public final class PlanScorer {
    private final Supplier<Source> source;
    private final RunnerOptions options;
    private final List<float[]> reference = new ArrayList<>();
    private final double referenceTop1;
    private int scored;

    /** A pass over the images. */
    interface Source extends Iterator<LabeledBatch>, AutoCloseable {
        @Override
        void close();
    }

    private PlanScorer(Supplier<Source> source, Model floatModel, RunnerOptions options) {
        this.source = source;
        this.options = options;
        ClassificationMetrics m = new ClassificationMetrics();
        try (Runner r = Runner.open(floatModel, options); Source s = source.get()) {
            while (s.hasNext()) {
                LabeledBatch b = s.next();
                Tensor logits = r.runBatch(b.batch().pixels(), b.batch().shape());
                float[] l = logits.toFloats();
                reference.add(l);
                m.add(l, (int) (logits.numel() / b.batch().size()), b.labels(), null);
            }
        }
        referenceTop1 = m.labeledImages() > 0 ? m.top1() : Double.NaN;
    }

    /** Scores on batches held in memory. */
    public static PlanScorer inMemory(List<LabeledBatch> batches, Model floatModel, RunnerOptions options) {
        return new PlanScorer(() -> {
            Iterator<LabeledBatch> it = batches.iterator();
            return new Source() {
                public boolean hasNext() {
                    return it.hasNext();
                }

                public LabeledBatch next() {
                    return it.next();
                }

                public void close() {
                }
            };
        }, floatModel, options);
    }

    /** Scores on a dataset read through the batch loader (and its tensor cache) on every pass. */
    public static PlanScorer streamed(ImageDataset dataset, PreprocessRecipe recipe, LoaderOptions loader, Model floatModel,
            RunnerOptions options) {
        return new PlanScorer(() -> {
            BatchLoader l = BatchLoader.open(dataset, recipe, loader);
            return new Source() {
                public boolean hasNext() {
                    return l.hasNext();
                }

                public LabeledBatch next() {
                    Batch b = l.next();
                    return new LabeledBatch(new io.vitshrink.quant.calibration.CalibrationInputs.Batch(b.pixels(), b.shape()),
                            b.labels(), b.files());
                }

                public void close() {
                    l.close();
                }
            };
        }, floatModel, options);
    }

    public double referenceTop1() {
        return referenceTop1;
    }

    /** Models scored so far. */
    public int scored() {
        return scored;
    }

    public Score score(Model quantized) {
        ClassificationMetrics m = new ClassificationMetrics();
        try (Runner r = Runner.open(quantized, options); Source s = source.get()) {
            int i = 0;
            while (s.hasNext()) {
                LabeledBatch b = s.next();
                Tensor logits = r.runBatch(b.batch().pixels(), b.batch().shape());
                m.add(logits.toFloats(), (int) (logits.numel() / b.batch().size()), b.labels(), reference.get(i++));
            }
        }
        scored++;
        return new Score(m.images(), m.labeledImages() > 0 ? m.top1() : Double.NaN, referenceTop1, m.agreementTop1(),
                m.meanKl());
    }
}
