package io.vitshrink.quant.observers;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * Running minimum and maximum over all batches: the range that clips nothing. The default calibration
 * of ONNX Runtime ({@code CalibrationMethod.MinMax}), PyTorch ({@code MinMaxObserver}) and NNCF
 * ({@code min}/{@code max} aggregators).
 */
public final class MinMaxObserver implements ActivationObserver {

    private final String name;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long images;

    public MinMaxObserver(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(float[] data, long[] shape) {
        BatchRange r = BatchRange.of(name, data, shape, images);
        images += r.images();
        if (!r.empty()) {
            min = Math.min(min, r.min());
            max = Math.max(max, r.max());
        }
    }

    /** The exact observed range, whatever the spec. */
    @Override
    public ClippingRange range(UniformSpec spec) {
        if (min > max) {
            throw noData(name);
        }
        return new ClippingRange(min, max);
    }

    public float min() {
        return min;
    }

    public float max() {
        return max;
    }

    @Override
    public long bytes() {
        return 40;
    }

    @Override
    public long images() {
        return images;
    }

    static UserException noData(String name) {
        return new UserException("activation '" + name
                + "' was never observed; the calibration set is empty or the tensor is never computed");
    }
}
