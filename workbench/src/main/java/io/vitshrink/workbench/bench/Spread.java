package io.vitshrink.workbench.bench;

import io.vitshrink.workbench.output.JsonResult;
import java.util.Arrays;
import java.util.List;

/** The median of repeated measurements with their minimum and maximum: how much to trust the median. */
record Spread(double median, double min, double max) {

    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1]);
    }

    /** Spread of the repeat-by-repeat ratios {@code a[i] / b[i]} (each pair measured side by side). */
    static Spread ratios(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("unpaired measurements: " + a.size() + " and " + b.size());
        }
        Double[] r = new Double[a.size()];
        Arrays.setAll(r, i -> a.get(i) / b.get(i));
        return of(Arrays.asList(r));
    }

    /** {@code key} = median, {@code key_min}, {@code key_max}. */
    void putInto(JsonResult out, String key) {
        out.put(key, median).put(key + "_min", min).put(key + "_max", max);
    }
}
