package io.vitshrink.reports.tables;

import io.vitshrink.reports.ResultRow;
import io.vitshrink.reports.reference.ReferencePoint;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

/**
 * The report's tables as Tablesaw tables: the runs (one row per point: what it is, accuracy, fidelity,
 * cost) and the published reference points. Percentages are in percent, sizes in MB, BOPs in G.
 */
public final class ResultTables {

    private ResultTables() {
    }

    public static Table runs(List<ResultRow> rows) {
        Table t = Table.create("runs",
                StringColumn.create("model"), StringColumn.create("method"), StringColumn.create("point"),
                StringColumn.create("status"), DoubleColumn.create("top1_pct"), DoubleColumn.create("drop_points"),
                DoubleColumn.create("agreement_pct"), DoubleColumn.create("kl"), DoubleColumn.create("gbops"),
                DoubleColumn.create("gmacs"), DoubleColumn.create("weight_mb"), DoubleColumn.create("file_mb"),
                DoubleColumn.create("latency_ratio_b1"), IntColumn.create("images"), StringColumn.create("error"),
                StringColumn.create("key"));
        for (ResultRow r : rows) {
            t.stringColumn("model").append(r.model());
            t.stringColumn("method").append(r.method());
            t.stringColumn("point").append(r.label());
            t.stringColumn("status").append(r.ok() ? "ok" : "failed");
            t.doubleColumn("top1_pct").append(round(100 * r.number("top1"), 2));
            t.doubleColumn("drop_points").append(round(100 * r.number("top1_drop"), 2));
            t.doubleColumn("agreement_pct").append(round(100 * r.number("agreement_top1"), 2));
            t.doubleColumn("kl").append(round(r.number("kl"), 5));
            t.doubleColumn("gbops").append(round(r.number("bops") / 1e9, 2));
            t.doubleColumn("gmacs").append(round(r.number("macs") / 1e9, 4));
            t.doubleColumn("weight_mb").append(round(r.number("weight_bytes") / 1e6, 3));
            t.doubleColumn("file_mb").append(round(r.number("size_bytes") / 1e6, 3));
            t.doubleColumn("latency_ratio_b1").append(round(r.number("latency_ratio_b1"), 3));
            double images = r.number("images");
            if (Double.isNaN(images)) {
                t.intColumn("images").appendMissing();
            } else {
                t.intColumn("images").append((int) images);
            }
            t.stringColumn("error").append(r.error() == null ? "" : r.error());
            t.stringColumn("key").append(r.key().length() > 12 ? r.key().substring(0, 12) : r.key());
        }
        return t;
    }

    public static Table references(List<ReferencePoint> points) {
        Table t = Table.create("published reference points",
                StringColumn.create("method"), StringColumn.create("model"), IntColumn.create("w_bits"),
                IntColumn.create("a_bits"), DoubleColumn.create("top1_pct"), DoubleColumn.create("float_top1_pct"),
                DoubleColumn.create("drop_points"), DoubleColumn.create("gmacs"), StringColumn.create("source"),
                StringColumn.create("where"));
        for (ReferencePoint p : points) {
            t.stringColumn("method").append(p.method());
            t.stringColumn("model").append(p.model());
            t.intColumn("w_bits").append(p.wBits());
            t.intColumn("a_bits").append(p.aBits());
            t.doubleColumn("top1_pct").append(p.top1());
            t.doubleColumn("float_top1_pct").append(p.floatTop1());
            t.doubleColumn("drop_points").append(round(p.drop(), 2));
            t.doubleColumn("gmacs").append(p.gmacs());
            t.stringColumn("source").append(p.source());
            t.stringColumn("where").append(p.where());
        }
        return t;
    }

    public static String csv(Table t) {
        StringWriter w = new StringWriter();
        t.write().csv(w);
        return w.toString();
    }

    /** An HTML {@code <table>} (text escaped). */
    public static String html(Table t) {
        StringWriter w = new StringWriter();
        try {
            new HtmlWriter().write(t, HtmlWriteOptions.builder(w).escapeText(true).build());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /** A GitHub-flavoured Markdown table; missing numbers are empty cells. */
    public static String markdown(Table t) {
        StringBuilder sb = new StringBuilder("|");
        t.columnNames().forEach(c -> sb.append(' ').append(c).append(" |"));
        sb.append("\n|");
        t.columns().forEach(c -> sb.append(c instanceof StringColumn ? "---|" : "---:|"));
        sb.append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (var c : t.columns()) {
                String v = c.isMissing(r) ? "" : c.getString(r);
                sb.append(' ').append(v.replace("|", "\\|")).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.NaN;
        }
        return Double.parseDouble(String.format(Locale.ROOT, "%." + digits + "f", v));
    }
}
