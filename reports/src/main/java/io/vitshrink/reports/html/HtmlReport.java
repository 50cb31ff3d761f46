package io.vitshrink.reports.html;

import io.vitshrink.reports.ReportInput;
import io.vitshrink.reports.ResultRow;
import io.vitshrink.reports.tables.ResultTables;
import java.util.Map;

/**
 * The self-contained {@code index.html}: inline CSS, every chart as an inline {@code <svg>} (each with
 * {@code class="chart"}), the runs table, failed points with their errors, the published reference
 * points with their sources, and provenance. Nothing is loaded from the network or from other files.
 */
public final class HtmlReport {
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1280px;color:#222;padding:0 16px}
            h1{font-size:24px;margin-bottom:4px} h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
            .sub{color:#666;margin-top:0} .charts{display:flex;flex-wrap:wrap;gap:16px}
            figure{margin:0;border:1px solid #e4e4e4;border-radius:6px;padding:6px;background:#fff}
            figcaption{font-size:12px;color:#555;padding:4px}
            table{border-collapse:collapse;font-size:12px;margin:8px 0} th,td{border:1px solid #ddd;padding:3px 6px}
            th{background:#f4f4f4;text-align:left} td{font-variant-numeric:tabular-nums}
            .failed{color:#b00020} .kpi{display:inline-block;margin-right:24px;font-size:14px}
            """;

    private HtmlReport() {
    }

    /** @param charts chart id → {@code <svg>} element, in display order; titles come from {@code captions} */
    public static String render(ReportInput in, Map<String, String> charts, Map<String, String> captions) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Escape.html(in.title())).append("</title><style>").append(CSS)
                .append("</style></head><body>\n");
        h.append("<h1>").append(Escape.html(in.title())).append("</h1><p class=\"sub\">").append(Escape.html(in.source()))
                .append("</p>\n");
        long ok = in.rows().stream().filter(ResultRow::ok).count();
        long failed = in.rows().size() - ok;
        h.append("<p><span class=\"kpi\"><b>").append(in.rows().size()).append("</b> points</span><span class=\"kpi\"><b>")
                .append(ok).append("</b> ok</span><span class=\"kpi").append(failed > 0 ? " failed" : "").append("\"><b>")
                .append(failed).append("</b> failed</span></p>\n");
        h.append("<h2>Trade-offs</h2>\n<p class=\"sub\">Filled markers: measured points, labelled; lines: each series' "
                + "Pareto front (less cost, more accuracy); hollow diamonds: published results.</p>\n<div class=\"charts\">\n");
        for (Map.Entry<String, String> c : charts.entrySet()) {
            h.append("<figure id=\"fig-").append(Escape.html(c.getKey())).append("\">")
                    .append(c.getValue().replaceFirst("<svg ", "<svg class=\"chart\" role=\"img\" aria-label=\""
                            + Escape.html(captions.getOrDefault(c.getKey(), c.getKey())) + "\" "))
                    .append("<figcaption>").append(Escape.html(captions.getOrDefault(c.getKey(), c.getKey())))
                    .append(" — <a href=\"charts/").append(Escape.html(c.getKey())).append(".svg\">SVG</a></figcaption></figure>\n");
        }
        h.append("</div>\n<h2>Runs</h2>\n").append(ResultTables.html(ResultTables.runs(in.rows())))
                .append("<p class=\"sub\">Also as <a href=\"runs.csv\">runs.csv</a>. Percent and points are of top-1; "
                        + "weight_mb = parameters × weight bits / 8; latency ratio = model p50 / float p50, timed in one run.</p>\n");
        if (failed > 0) {
            h.append("<h2 class=\"failed\">Failed points</h2><ul>\n");
            in.rows().stream().filter(r -> !r.ok()).forEach(r -> h.append("<li><b>").append(Escape.html(r.label()))
                    .append("</b> (").append(Escape.html(r.model())).append("): ").append(Escape.html(r.error())).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (!in.allReferences().isEmpty()) {
            h.append("<h2>Published reference points</h2>\n<p class=\"sub\">Full ImageNet-1k validation top-1 from the papers "
                    + "(their own float baselines); the measured points use the evaluation set named above, so compare drops, "
                    + "not absolute top-1. Extend <a href=\"reference-points.csv\">reference-points.csv</a> and pass it "
                    + "with <code>--reference-points</code>.</p>\n")
                    .append(ResultTables.html(ResultTables.references(in.allReferences())));
        }
        h.append("<h2>Provenance</h2><table>\n");
        in.provenance().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> h.append("<tr><th>")
                .append(Escape.html(e.getKey())).append("</th><td>").append(Escape.html(e.getValue())).append("</td></tr>\n"));
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }
}
