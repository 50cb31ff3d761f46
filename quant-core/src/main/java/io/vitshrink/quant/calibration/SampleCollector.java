package io.vitshrink.quant.calibration;

import io.vitshrink.quant.observers.TensorObserver;
import java.util.Arrays;

/**
 * Keeps the raw values of the first {@code maxImages} images of a tensor (axis 0 = images), for
 * searches that need real samples (the consumer-product error of a log quantizer). Memory is bounded
 * by {@code maxImages}, not by the size of the calibration set.
 */
public final class SampleCollector implements TensorObserver {
    private final String name;
    private final int maxImages;
    private float[] data = new float[0];
    private long[] shape;
    private int images;

    public SampleCollector(String name, int maxImages) {
        this.name = name;
        this.maxImages = maxImages;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(float[] batch, long[] batchShape) {
        if (images >= maxImages || batchShape.length == 0 || batchShape[0] == 0) {
            return;
        }
        int perImage = (int) (batch.length / batchShape[0]);
        int take = (int) Math.min(batchShape[0], maxImages - images);
        int old = data.length;
        data = Arrays.copyOf(data, old + take * perImage);
        System.arraycopy(batch, 0, data, old, take * perImage);
        images += take;
        shape = batchShape.clone();
        shape[0] = images;
    }

    @Override
    public long bytes() {
        return 4L * data.length;
    }

    @Override
    public long images() {
        return images;
    }

    public float[] data() {
        return data;
    }

    public long[] shape() {
        return shape.clone();
    }
}
