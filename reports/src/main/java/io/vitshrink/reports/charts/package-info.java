/** Charts built with JFreeChart and rendered headless to SVG ({@link io.vitshrink.reports.charts.SvgCharts}). */
package io.vitshrink.reports.charts;
