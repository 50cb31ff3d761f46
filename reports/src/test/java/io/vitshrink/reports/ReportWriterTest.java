package io.vitshrink.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.reports.charts.BitAllocationHeatmap;
import io.vitshrink.reports.charts.SensitivityBars;
import io.vitshrink.reports.charts.SvgCharts;
import io.vitshrink.reports.reference.ReferencePoint;
import io.vitshrink.reports.reference.ReferencePoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report folder: self-contained HTML with one inline SVG per chart, CSV, Markdown, escaped text. */
class ReportWriterTest {
    @TempDir
    Path dir;

    static ReportInput input() {
        List<ReferencePoint> deitT = ReferencePoints.bundled().stream().filter(p -> p.model().equals("DeiT-T")).toList();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("Per-layer sensitivity", SvgCharts.svg(SensitivityBars.build("Per-layer sensitivity", "KL",
                Map.of("blocks.0.qkv", 0.02, "blocks.0.fc2", 0.11)), 600, 420, "sens"));
        extra.put("Bit allocation", SvgCharts.svg(BitAllocationHeatmap.build("Bit allocation", List.of("0", "1", "2"),
                List.of("qkv", "proj", "fc1", "fc2"), new int[][] {{8, 6, 4}, {8, 8, 8}, {4, 4, 6}, {6, 4, 0}}), 600, 420, "heat"));
        return new ReportInput("DeiT-Tiny <sweep>", "From test rows", SampleRows.deitLike(), deitT, ReferencePoints.bundled(),
                Map.of("vitshrink", "test"), extra);
    }

    @Test
    void writesASelfContainedPageWithEveryChartInline() throws Exception {
        ReportWriter.Written w = ReportWriter.write(input(), dir);
        String html = Files.readString(w.index());
        assertThat(w.charts()).contains("top1-vs-bops", "top1-vs-macs", "top1-vs-size", "top1-vs-latency", "agreement-vs-bops",
                "drop-vs-bops-published", "per-layer-sensitivity", "bit-allocation");
        Matcher m = Pattern.compile("<svg class=\"chart\"").matcher(html);
        int svgs = 0;
        while (m.find()) {
            svgs++;
        }
        assertThat(svgs).isEqualTo(w.charts().size());
        assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("<script")
                .contains("DeiT-Tiny &lt;sweep&gt;").contains("W2A2 twin &lt;b&gt;").contains("bits &lt;2&gt; refused")
                .contains("RepQ-ViT").contains("github.com/zkkli/RepQ-ViT");
        // chart ids are prefixed so that inlined SVGs do not share clip-path ids
        assertThat(html).contains("top1-vs-bops-").contains("top1-vs-size-");
        List<String> csv = Files.readAllLines(dir.resolve("runs.csv"));
        assertThat(csv).hasSize(1 + 8);
        assertThat(csv.get(0)).startsWith("model,method,point,status,top1_pct");
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("| W4A4 adalog |").contains("8 points: 7 ok, 1 failed")
                .contains("(charts/top1-vs-bops.svg)");
        for (String id : w.charts()) {
            String svg = Files.readString(dir.resolve("charts").resolve(id + ".svg"));
            assertThat(svg).startsWith("<?xml").containsPattern("xmlns=['\"]http://www.w3.org/2000/svg").contains("</svg>");
        }
        assertThat(Files.readString(dir.resolve("reference-points.csv"))).isEqualTo(ReferencePoints.bundledText());
    }

    @Test
    void chartsNeedBothValuesOfTheirAxes() {
        List<ResultRow> onlyAccuracy = List.of(new ResultRow("a", "m", "float", "float", true, null, Map.of("top1", 0.5)));
        ReportWriter.Written w = ReportWriter.write(new ReportInput("t", "s", onlyAccuracy, List.of(), List.of(), Map.of(),
                Map.of()), dir.resolve("empty"));
        assertThat(w.charts()).isEmpty();
    }
}
