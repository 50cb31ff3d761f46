/**
 * Reports: result tables (Tablesaw: CSV, HTML), trade-off charts (JFreeChart, rendered headless to SVG),
 * and the self-contained HTML / Markdown report. Works on {@link io.vitshrink.reports.ResultRow}s handed
 * over by the workbench; never runs a model and never reads a results database itself.
 */
package io.vitshrink.reports;
