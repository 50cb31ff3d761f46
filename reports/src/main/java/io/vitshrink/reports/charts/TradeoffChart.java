package io.vitshrink.reports.charts;

import io.vitshrink.reports.ParetoFront;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Accuracy against a cost (BOPs, MACs, bytes, latency): every measured point as a filled marker
 * labelled with its point name, each series' Pareto front (less cost, more accuracy) as a line in the
 * series' colour, and published reference points as hollow diamonds.
 */
public final class TradeoffChart {

    private TradeoffChart() {
    }

    /**
     * @param logX a logarithmic cost axis (BOPs and bytes span orders of magnitude)
     * @param higherIsBetter whether more y is better (top-1, agreement) or less (drop); the front follows it
     */
    public static JFreeChart build(String title, String xLabel, String yLabel, boolean logX, boolean higherIsBetter,
            List<Series> measured, List<Series> reference) {
        return build(title, xLabel, yLabel, logX, higherIsBetter, measured, reference, java.util.Map.of());
    }

    /**
     * @param colors series name → palette index, so that a series keeps its colour on every chart of a
     *     report (series missing from the map are numbered in order)
     */
    public static JFreeChart build(String title, String xLabel, String yLabel, boolean logX, boolean higherIsBetter,
            List<Series> measured, List<Series> reference, java.util.Map<String, Integer> colors) {
        XYSeriesCollection points = new XYSeriesCollection();
        XYSeriesCollection fronts = new XYSeriesCollection();
        XYSeriesCollection refs = new XYSeriesCollection();
        for (Series s : measured) {
            XYSeries all = new XYSeries(s.name(), false, true);
            s.points().forEach(p -> all.add(p.x(), p.y()));
            points.addSeries(all);
            XYSeries front = new XYSeries(s.name() + " (Pareto front)", true, true);
            List<ParetoFront.Point> sign = s.points().stream()
                    .map(p -> new ParetoFront.Point(p.x(), higherIsBetter ? p.y() : -p.y())).toList();
            ParetoFront.of(sign).forEach(p -> front.add(p.x(), higherIsBetter ? p.y() : -p.y()));
            fronts.addSeries(front);
        }
        for (Series s : reference) {
            XYSeries r = new XYSeries(s.name(), false, true);
            s.points().forEach(p -> r.add(p.x(), p.y()));
            refs.addSeries(r);
        }
        ValueAxis x = logX ? logAxis(xLabel) : linearAxis(xLabel);
        NumberAxis y = linearAxis(yLabel);
        y.setAutoRangeMinimumSize(2.0); // equal accuracies: a readable two-point range, not ten ticks of "7.9E1"
        int[] measuredColors = new int[measured.size()];
        for (int i = 0; i < measured.size(); i++) {
            measuredColors[i] = colors.getOrDefault(measured.get(i).name(), i);
        }
        int[] referenceColors = new int[reference.size()];
        for (int i = 0; i < reference.size(); i++) {
            referenceColors[i] = colors.getOrDefault(reference.get(i).name(), measured.size() + i);
        }
        XYPlot plot = new XYPlot(points, x, y, pointRenderer(measured, measuredColors));
        plot.setDataset(1, fronts);
        plot.setRenderer(1, frontRenderer(measuredColors));
        plot.setDataset(2, refs);
        plot.setRenderer(2, referenceRenderer(referenceColors));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setSmallestValue(1e-9);
        a.setBase(10);
        a.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.25)); // four ticks per decade
        a.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        return a;
    }

    private static NumberAxis linearAxis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(false);
        a.setAutoRangeMinimumSize(1.0); // points that share one cost (e.g. quantization keeps MACs) get a readable axis
        a.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.##"));
        return a;
    }

    private static XYLineAndShapeRenderer pointRenderer(List<Series> measured, int[] colors) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < measured.size(); i++) {
            r.setSeriesPaint(i, Palette.color(colors[i]));
            r.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
            r.setSeriesItemLabelsVisible(i, true);
        }
        XYItemLabelGenerator labels = (dataset, series, item) -> {
            Series s = measured.get(series);
            // XYSeries sorts nothing (autoSort false), so item i is point i
            return item < s.labels().size() ? s.labels().get(item) : null;
        };
        r.setDefaultItemLabelGenerator(labels);
        r.setDefaultItemLabelFont(new Font("SansSerif", Font.PLAIN, 9));
        return r;
    }

    private static XYLineAndShapeRenderer frontRenderer(int[] colors) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, Palette.color(colors[i]));
            r.setSeriesStroke(i, new BasicStroke(1.8f));
            r.setSeriesVisibleInLegend(i, false);
        }
        return r;
    }

    private static XYLineAndShapeRenderer referenceRenderer(int[] colors) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        Path2D.Double diamond = new Path2D.Double();
        diamond.moveTo(0, -5);
        diamond.lineTo(5, 0);
        diamond.lineTo(0, 5);
        diamond.lineTo(-5, 0);
        diamond.closePath();
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, Palette.color(colors[i]));
            r.setSeriesShape(i, diamond);
            r.setSeriesShapesFilled(i, false);
        }
        r.setUseOutlinePaint(false);
        return r;
    }
}
