package io.vitshrink.reports.html;

import io.vitshrink.reports.ReportInput;
import io.vitshrink.reports.ResultRow;
import io.vitshrink.reports.tables.ResultTables;
import java.util.Map;

/** {@code summary.md}: the counts, the runs table, failures and links to the chart files. */
public final class MarkdownSummary {

    private MarkdownSummary() {
    }

    public static String render(ReportInput in, Map<String, String> captions) {
        StringBuilder m = new StringBuilder();
        long ok = in.rows().stream().filter(ResultRow::ok).count();
        m.append("# ").append(in.title()).append("\n\n").append(in.source()).append("\n\n")
                .append(in.rows().size()).append(" points: ").append(ok).append(" ok, ").append(in.rows().size() - ok)
                .append(" failed.\n\n## Runs\n\n").append(ResultTables.markdown(ResultTables.runs(in.rows())));
        if (ok < in.rows().size()) {
            m.append("\n## Failed points\n\n");
            in.rows().stream().filter(r -> !r.ok()).forEach(r -> m.append("- **").append(r.label()).append("** (")
                    .append(r.model()).append("): ").append(r.error()).append('\n'));
        }
        m.append("\n## Charts\n\n");
        captions.forEach((id, title) -> m.append("- [").append(title).append("](charts/").append(id).append(".svg)\n"));
        m.append("\nFull report: [index.html](index.html).\n");
        return m.toString();
    }
}
