package io.vitshrink.reports;

import java.util.Map;

/**
 * One measured point as a report sees it: what it is and its flat metrics (the keys of the command's
 * {@code --json}: {@code top1}, {@code top1_drop}, {@code agreement_top1}, {@code bops}, {@code macs},
 * {@code weight_bytes}, {@code size_bytes}, {@code latency_ratio_b1}, …).
 *
 * @param key the point key
 * @param model the model's file name
 * @param method the series it belongs to ({@code float}, {@code PTQ adalog}, …)
 * @param label a short name of the point ({@code W4A4 adalog})
 * @param ok whether the run succeeded
 * @param error the error of a failed run, else null
 * @param metrics flat metrics
 */
public record ResultRow(String key, String model, String method, String label, boolean ok, String error,
        Map<String, Object> metrics) {

    public ResultRow {
        metrics = Map.copyOf(metrics.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** A numeric metric, or NaN when absent or not a number. */
    public double number(String metric) {
        return metrics.get(metric) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A metric as text ("" when absent). */
    public String text(String metric) {
        Object v = metrics.get(metric);
        return v == null ? "" : v.toString();
    }
}
