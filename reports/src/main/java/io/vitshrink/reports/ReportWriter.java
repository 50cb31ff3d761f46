package io.vitshrink.reports;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.reports.charts.SvgCharts;
import io.vitshrink.reports.charts.TradeoffCharts;
import io.vitshrink.reports.html.HtmlReport;
import io.vitshrink.reports.html.MarkdownSummary;
import io.vitshrink.reports.reference.ReferencePoints;
import io.vitshrink.reports.tables.ResultTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a report folder: {@code index.html} (self-contained), {@code summary.md}, {@code runs.csv},
 * {@code reference-points.csv}, and every chart as {@code charts/<id>.svg}. Each file is written atomically.
 */
public final class ReportWriter {
    public static final int WIDTH = 600;
    public static final int HEIGHT = 420;

    /** What was written. */
    public record Written(Path index, List<String> charts) {
    }

    private ReportWriter() {
    }

    public static Written write(ReportInput in, Path dir) {
        try {
            Files.createDirectories(dir.resolve("charts"));
        } catch (IOException e) {
            throw new UserException("--out '" + dir + "' cannot be created: " + e.getMessage(), e);
        }
        Map<String, String> svgs = new LinkedHashMap<>();
        Map<String, String> captions = new LinkedHashMap<>();
        for (TradeoffCharts.Chart c : TradeoffCharts.build(in.rows(), in.references())) {
            svgs.put(c.id(), SvgCharts.svg(c.chart(), WIDTH, HEIGHT, c.id()));
            captions.put(c.id(), c.title());
        }
        in.extraCharts().forEach((title, svg) -> {
            String id = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
            svgs.put(id, svg);
            captions.put(id, title);
        });
        for (Map.Entry<String, String> e : svgs.entrySet()) {
            String svg = e.getValue().contains("xmlns=") ? e.getValue()
                    : e.getValue().replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ");
            AtomicFiles.writeString(dir.resolve("charts").resolve(e.getKey() + ".svg"),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n");
        }
        AtomicFiles.writeString(dir.resolve("runs.csv"), ResultTables.csv(ResultTables.runs(in.rows())));
        AtomicFiles.writeString(dir.resolve("reference-points.csv"), ReferencePoints.bundledText());
        AtomicFiles.writeString(dir.resolve("summary.md"), MarkdownSummary.render(in, captions));
        Path index = dir.resolve("index.html");
        AtomicFiles.writeString(index, HtmlReport.render(in, svgs, captions));
        return new Written(index, List.copyOf(svgs.keySet()));
    }
}
