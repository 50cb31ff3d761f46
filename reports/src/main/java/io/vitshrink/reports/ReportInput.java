package io.vitshrink.reports;

import io.vitshrink.reports.reference.ReferencePoint;
import java.util.List;
import java.util.Map;

/**
 * Everything a report shows.
 *
 * @param title the page title
 * @param source where the rows came from (e.g. the database and filters), shown under the title
 * @param rows the measured points (ok and failed)
 * @param references published points to draw beside the measured ones (may be empty)
 * @param allReferences every known published point, listed in the report's reference table
 * @param provenance label → value lines (vitshrink, ONNX Runtime, machine…)
 * @param extraCharts further charts by title (sensitivity bars, bit-allocation heatmaps), already as SVG
 */
public record ReportInput(String title, String source, List<ResultRow> rows, List<ReferencePoint> references,
        List<ReferencePoint> allReferences, Map<String, String> provenance, Map<String, String> extraCharts) {

    public ReportInput {
        rows = List.copyOf(rows);
        references = List.copyOf(references);
        allReferences = List.copyOf(allReferences);
        provenance = Map.copyOf(provenance);
        extraCharts = new java.util.LinkedHashMap<>(extraCharts);
    }
}
