package io.vitshrink.quant.observers;

/**
 * Something that watches one tensor batch by batch during calibration, in bounded memory.
 */
public interface TensorObserver {

    /** The tensor (value name in the model) this observer watches. */
    String name();

    /**
     * Takes one batch of the tensor. Does not keep {@code data}.
     *
     * @param data the values, row-major
     * @param shape the shape of {@code data}; axis 0 is the batch (image) axis
     * @throws io.vitshrink.onnx.UserException if the batch contains NaN or ±Inf
     */
    void update(float[] data, long[] shape);

    /** Bytes this observer holds; constant after the first update, whatever the number of images. */
    long bytes();

    /** Images seen so far (sum of axis 0 of the shapes given to {@link #update}). */
    long images();
}
