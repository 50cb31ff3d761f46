package io.vitshrink.workbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.reports.charts.SensitivityBars;
import io.vitshrink.reports.charts.SvgCharts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer sensitivity bars of a mixed-precision search: the {@code sensitivity.json} that
 * {@code search --db} leaves in its run folder, drawn as the KL of the logits with one unit quantized
 * (everything else float; the axis just says "KL of the logits", the figure caption says the rest),
 * one bar per candidate width, for the most damaging units.
 */
public final class SensitivityCharts {
    /** Units drawn: the most sensitive ones; a DeiT-Tiny table has 148 and the rest are near zero. */
    static final int UNITS = 24;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SensitivityCharts() {
    }

    /** The chart of the run folder's {@code sensitivity.json} as an SVG element, or null when it has none. */
    public static String svg(Path runFolder, String title, String id) {
        Path file = runFolder == null ? null : runFolder.resolve("sensitivity.json");
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        JsonNode doc;
        try {
            doc = MAPPER.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return null; // a damaged file in one run folder must not stop the whole report
        }
        Map<String, Map<String, Double>> series = series(doc, UNITS);
        return series.isEmpty() ? null : SvgCharts.svg(SensitivityBars.bySeries(title, "KL of the logits",
                series), 600, 420, id);
    }

    /** {@code "<b> bits"} → unit → KL, units in rank order (the file's order), the first {@code limit}. */
    static Map<String, Map<String, Double>> series(JsonNode doc, int limit) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        JsonNode units = doc == null ? null : doc.get("units");
        if (units == null || !units.isArray()) {
            return out;
        }
        List<String> widths = new ArrayList<>();
        doc.path("bits").forEach(b -> widths.add(b.asText()));
        for (String w : widths) {
            out.put(w + " bits", new LinkedHashMap<>());
        }
        int n = 0;
        for (JsonNode u : units) {
            if (n++ >= limit) {
                break;
            }
            String name = shortName(u.path("unit").asText());
            for (String w : widths) {
                JsonNode v = u.path("kl").get(w);
                if (v != null && v.isNumber()) {
                    out.get(w + " bits").put(name, v.asDouble());
                }
            }
        }
        out.values().removeIf(Map::isEmpty);
        return out;
    }

    /** Drops the exporters' {@code _output_0} suffix and leading slash: the axis has little room. */
    static String shortName(String unit) {
        return unit.replaceFirst("^/", "").replaceFirst("_output_0$", "");
    }
}
