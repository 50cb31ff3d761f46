/** Result tables with Tablesaw: one row per point, written as CSV, HTML and Markdown. */
package io.vitshrink.reports.tables;
