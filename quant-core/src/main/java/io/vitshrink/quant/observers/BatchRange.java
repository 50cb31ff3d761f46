package io.vitshrink.quant.observers;

import io.vitshrink.onnx.UserException;
import java.util.Arrays;

/**
 * The per-batch reducer every activation observer starts with: min and max of one batch in one pass,
 * with the NaN/Inf check and the shape check.
 *
 * @param min smallest value ({@code +Inf} for an empty batch)
 * @param max largest value ({@code -Inf} for an empty batch)
 * @param images images in this batch (axis 0 of the shape; 1 for a scalar)
 */
record BatchRange(float min, float max, long images) {

    boolean empty() {
        return min > max;
    }

    /**
     * Reduces one batch.
     *
     * @param imagesBefore images seen before this batch (for the error message)
     * @throws UserException naming the tensor if it contains NaN or ±Inf
     */
    static BatchRange of(String name, float[] data, long[] shape, long imagesBefore) {
        checkShape(name, data, shape);
        long images = shape.length == 0 ? 1 : shape[0];
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        boolean nan = false;
        for (float v : data) {
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
            nan |= v != v;
        }
        if (nan || (data.length > 0 && (Float.isInfinite(lo) || Float.isInfinite(hi)))) {
            throw nonFinite("activation", name, imagesBefore + images);
        }
        return new BatchRange(lo, hi, images);
    }

    static UserException nonFinite(String what, String name, long images) {
        return new UserException(what + " '" + name + "' contains NaN/Inf after " + images
                + " images; the model or its inputs are broken");
    }

    static void checkShape(String name, float[] data, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + data.length + " were given");
        }
    }
}
