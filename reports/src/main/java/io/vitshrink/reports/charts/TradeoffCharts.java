package io.vitshrink.reports.charts;

import io.vitshrink.reports.ParetoFront;
import io.vitshrink.reports.ResultRow;
import io.vitshrink.reports.reference.ReferencePoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;

/**
 * The report's standard trade-off charts, each drawn only when some ok point has both of its values:
 * top-1 against BOPs, MACs, weight size and measured latency; agreement with the float model against
 * BOPs; and top-1 drop against BOPs beside the published reference points. One series per distinct
 * {@link ResultRow#method()} (the caller names series: per method, per model and method, per run…), each
 * with its Pareto front.
 */
public final class TradeoffCharts {

    /** A chart with the file-safe id it is saved under. */
    public record Chart(String id, String title, JFreeChart chart) {
    }

    private record Axis(String label, ToDoubleFunction<ResultRow> value, boolean log) {
    }

    private static final Axis TOP1 = new Axis("top-1 (%)", r -> 100 * r.number("top1"), false);
    private static final Axis AGREEMENT = new Axis("top-1 agreement with float (%)", r -> 100 * r.number("agreement_top1"), false);
    private static final Axis DROP = new Axis("top-1 drop vs float (points)", r -> 100 * r.number("top1_drop"), false);
    private static final Axis BOPS = new Axis("GBOPs per image (log)", r -> r.number("bops") / 1e9, true);
    private static final Axis MACS = new Axis("MMACs per image", r -> r.number("macs") / 1e6, false);
    private static final Axis SIZE = new Axis("weights at their bit width (MB, log)", r -> r.number("weight_bytes") / 1e6, true);
    private static final Axis LATENCY = new Axis("latency / float latency (batch 1, same run)", r -> r.number("latency_ratio_b1"), false);

    private TradeoffCharts() {
    }

    public static List<Chart> build(List<ResultRow> rows, List<ReferencePoint> references) {
        List<ResultRow> ok = rows.stream().filter(ResultRow::ok).toList();
        List<Chart> charts = new ArrayList<>();
        Map<String, Integer> colors = new LinkedHashMap<>();
        ok.forEach(r -> colors.putIfAbsent(r.method(), colors.size()));
        referenceSeries(references, 1).forEach(s -> colors.putIfAbsent(s.name(), colors.size()));
        add(charts, "top1-vs-bops", "Top-1 vs BOPs", ok, BOPS, TOP1, true, List.of(), colors);
        add(charts, "top1-vs-macs", "Top-1 vs MACs", ok, MACS, TOP1, true, List.of(), colors);
        add(charts, "top1-vs-size", "Top-1 vs model size", ok, SIZE, TOP1, true, List.of(), colors);
        add(charts, "top1-vs-latency", "Top-1 vs measured latency", ok, LATENCY, TOP1, true, List.of(), colors);
        add(charts, "agreement-vs-bops", "Agreement with the float model vs BOPs", ok, BOPS, AGREEMENT, true, List.of(), colors);
        if (!references.isEmpty()) {
            double macs = ok.stream().mapToDouble(r -> r.number("macs")).filter(Double::isFinite).max().orElse(Double.NaN);
            add(charts, "drop-vs-bops-published", "Top-1 drop vs BOPs, measured and published", ok, BOPS, DROP, false,
                    referenceSeries(references, macs / 1e9), colors);
        }
        return charts;
    }

    private static void add(List<Chart> charts, String id, String title, List<ResultRow> rows, Axis x, Axis y,
            boolean higherIsBetter, List<Series> reference, Map<String, Integer> colors) {
        List<Series> measured = series(rows, x, y);
        if (measured.isEmpty()) {
            return;
        }
        charts.add(new Chart(id, title, TradeoffChart.build(title, x.label(), y.label(), x.log(), higherIsBetter, measured,
                reference, colors)));
    }

    /** Rows with both values, grouped by series name in first-seen order. */
    static List<Series> series(List<ResultRow> rows, Axis x, Axis y) {
        Map<String, List<ResultRow>> groups = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            double xv = x.value().applyAsDouble(r);
            double yv = y.value().applyAsDouble(r);
            if (Double.isFinite(xv) && Double.isFinite(yv) && (!x.log() || xv > 0)) {
                groups.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Series> out = new ArrayList<>();
        groups.forEach((name, rs) -> out.add(new Series(name,
                rs.stream().map(r -> new ParetoFront.Point(x.value().applyAsDouble(r), y.value().applyAsDouble(r))).toList(),
                rs.stream().map(ResultRow::label).toList())));
        return out;
    }

    /**
     * Published points on the GBOPs axis: BOPs ≈ MACs × w bits × a bits, with the point's own MACs when the
     * source gives them, else {@code measuredGmacs} (the largest MACs among the measured points: the
     * uncompressed model the published point is compared with).
     */
    static List<Series> referenceSeries(List<ReferencePoint> refs, double measuredGmacs) {
        Map<String, List<ReferencePoint>> byMethod = new LinkedHashMap<>();
        refs.stream().filter(p -> Double.isFinite(p.gmacs()) || Double.isFinite(measuredGmacs))
                .forEach(p -> byMethod.computeIfAbsent(p.method() + " (" + p.model() + ", published)", k -> new ArrayList<>()).add(p));
        List<Series> out = new ArrayList<>();
        byMethod.forEach((name, ps) -> out.add(new Series(name,
                ps.stream().map(p -> new ParetoFront.Point((Double.isFinite(p.gmacs()) ? p.gmacs() : measuredGmacs) * p.wBits() * p.aBits(),
                        p.drop())).toList(),
                ps.stream().map(p -> "W" + p.wBits() + "A" + p.aBits()).toList())));
        return out;
    }
}
