package io.vitshrink.quant.calibration;

import java.util.Collection;
import java.util.function.Function;

/**
 * Anything that consumes one named activation batch by batch (a range observer, a per-channel
 * statistics observer).
 */
public interface TensorStatistics {

    void update(float[] data, long[] shape);

    /** Creates one consumer per tensor name. */
    static <T extends TensorStatistics> java.util.Map<String, T> forEach(Collection<String> names, Function<String, T> factory) {
        java.util.Map<String, T> map = new java.util.LinkedHashMap<>();
        for (String n : names) {
            map.put(n, factory.apply(n));
        }
        return map;
    }
}
