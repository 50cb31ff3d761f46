package io.vitshrink.workbench.eval;

import io.vitshrink.onnx.metrics.ClassificationMetrics;
import io.vitshrink.workbench.output.JsonResult;

/**
 * What an evaluation measured.
 *
 * @param metrics accuracy and fidelity
 * @param referenceMetrics accuracy of the reference model on the same images, or null without one
 * @param skippedImages images that could not be decoded
 * @param seconds wall time of the whole loop (decode, preprocess, inference)
 * @param inferenceSeconds time inside ONNX Runtime for the evaluated model
 */
public record EvalResult(ClassificationMetrics metrics, ClassificationMetrics referenceMetrics, int skippedImages,
        double seconds, double inferenceSeconds) {

    public double imagesPerSecond() {
        return seconds <= 0 ? Double.NaN : metrics.images() / seconds;
    }

    /** The eval keys documented in the README. */
    public JsonResult json() {
        return new JsonResult()
                .put("images", metrics.images())
                .put("skipped_images", skippedImages)
                .put("labeled_images", metrics.labeledImages())
                .put("top1", metrics.top1())
                .put("top5", metrics.top5())
                .put("agreement_top1", metrics.agreementTop1())
                .put("kl", metrics.meanKl())
                .put("logit_cosine", metrics.meanLogitCosine())
                .put("reference_top1", referenceMetrics == null ? Double.NaN : referenceMetrics.top1())
                .put("top1_drop", referenceMetrics == null ? Double.NaN : referenceMetrics.top1() - metrics.top1())
                .put("eval_seconds", seconds)
                .put("images_per_s", imagesPerSecond());
    }
}
