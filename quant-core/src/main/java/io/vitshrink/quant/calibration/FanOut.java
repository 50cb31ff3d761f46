package io.vitshrink.quant.calibration;

import io.vitshrink.quant.observers.TensorObserver;
import java.util.List;

/** Feeds one tensor to several observers (a range observer and a sample collector, say). */
public final class FanOut implements TensorObserver {
    private final List<TensorObserver> observers;

    public FanOut(List<TensorObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    @Override
    public String name() {
        return observers.get(0).name();
    }

    @Override
    public void update(float[] data, long[] shape) {
        for (TensorObserver o : observers) {
            o.update(data, shape);
        }
    }

    @Override
    public long bytes() {
        return observers.stream().mapToLong(TensorObserver::bytes).sum();
    }

    @Override
    public long images() {
        return observers.get(0).images();
    }
}
