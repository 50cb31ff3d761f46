package io.vitshrink.workbench.search;

/**
 * A quantized model measured against the float model on the same images.
 *
 * @param images images scored
 * @param top1 accuracy, NaN without labels
 * @param referenceTop1 the float model's accuracy on the same images, NaN without labels
 * @param agreement share of images with the float model's top-1 class
 * @param kl mean KL(float ‖ quantized) of the logits
 */
public record Score(long images, double top1, double referenceTop1, double agreement, double kl) {

    /** Whether top-1 accuracy is known. */
    public boolean labeled() {
        return !Double.isNaN(top1);
    }

    /**
     * The drop in points that {@code --max-drop} limits: top-1 accuracy drop with labels, else
     * 100 × (1 − agreement).
     */
    public double dropPoints() {
        return labeled() ? 100 * (referenceTop1 - top1) : 100 * (1 - agreement);
    }

    /** Higher is better: top-1 with labels, else agreement (KL breaks ties). */
    public double quality() {
        return labeled() ? top1 : agreement;
    }
}
