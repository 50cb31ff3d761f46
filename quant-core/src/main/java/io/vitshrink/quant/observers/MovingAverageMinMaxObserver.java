package io.vitshrink.quant.observers;

import io.vitshrink.quant.quantizers.UniformSpec;

/**
 * Exponential moving average of the per-batch minimum and maximum, which damps the influence of a few
 * extreme batches: {@code min ← m·min + (1 − m)·batchMin} (same for max), the first batch taken as is.
 * This is PyTorch's {@code torch.ao.quantization.MovingAverageMinMaxObserver} (its
 * {@code averaging_constant} is {@code 1 − m}) and NNCF's moving-average min/max range estimator; the
 * default momentum {@code m} is 0.9.
 */
public final class MovingAverageMinMaxObserver implements ActivationObserver {

    public static final double DEFAULT_MOMENTUM = 0.9;

    private final String name;
    private final double momentum;
    private double min;
    private double max;
    private boolean seen;
    private long images;

    public MovingAverageMinMaxObserver(String name) {
        this(name, DEFAULT_MOMENTUM);
    }

    /** @param momentum weight of the running value, in [0, 1) (0 = last batch only) */
    public MovingAverageMinMaxObserver(String name, double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.name = name;
        this.momentum = momentum;
    }

    @Override
    public String name() {
        return name;
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public void update(float[] data, long[] shape) {
        BatchRange r = BatchRange.of(name, data, shape, images);
        images += r.images();
        if (r.empty()) {
            return;
        }
        if (!seen) {
            min = r.min();
            max = r.max();
            seen = true;
        } else {
            min = momentum * min + (1 - momentum) * r.min();
            max = momentum * max + (1 - momentum) * r.max();
        }
    }

    @Override
    public ClippingRange range(UniformSpec spec) {
        if (!seen) {
            throw MinMaxObserver.noData(name);
        }
        return new ClippingRange((float) min, Math.max((float) min, (float) max));
    }

    @Override
    public long bytes() {
        return 56;
    }

    @Override
    public long images() {
        return images;
    }
}
