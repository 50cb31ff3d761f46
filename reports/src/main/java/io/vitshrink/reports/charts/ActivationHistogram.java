package io.vitshrink.reports.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.DefaultIntervalXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The histogram of one activation tensor's calibration values with the levels of several quantizers
 * drawn over it, one row of ticks per quantizer above the bars: it shows where each quantizer spends
 * its levels against where the values are. A tensor without negative values (post-Softmax) is drawn on
 * a log₂ value axis — there a log quantizer's levels are evenly spaced and a uniform one's crowd at the
 * top; exact zeros cannot sit on that axis and are counted in the subtitle instead.
 */
public final class ActivationHistogram {
    private static final int BINS = 80;

    /**
     * One quantizer's levels.
     *
     * @param name the quantizer (legend), e.g. {@code AdaLog}
     * @param levels its representable values
     * @param relativeError its error on the consuming product (shown in the legend), or NaN
     */
    public record Levels(String name, float[] levels, double relativeError) {
    }

    /** The bins of a histogram: {@code counts[i]} values in [{@code edges[i]}, {@code edges[i+1]}). */
    record Bins(double[] edges, long[] counts, long zeros, long total, boolean log) {
    }

    private ActivationHistogram() {
    }

    public static JFreeChart build(String title, float[] values, List<Levels> quantizers) {
        Bins bins = bin(values);
        DefaultIntervalXYDataset bars = new DefaultIntervalXYDataset();
        int n = bins.counts().length;
        double[][] series = new double[6][n];
        double top = 0;
        for (int i = 0; i < n; i++) {
            double lo = bins.edges()[i];
            double hi = bins.edges()[i + 1];
            double share = bins.total() == 0 ? 0 : (double) bins.counts()[i] / bins.total();
            series[0][i] = bins.log() ? Math.sqrt(lo * hi) : (lo + hi) / 2;
            series[1][i] = lo;
            series[2][i] = hi;
            series[3][i] = share;
            series[4][i] = share;
            series[5][i] = share;
            top = Math.max(top, share);
        }
        bars.addSeries("values", series);

        XYSeriesCollection ticks = new XYSeriesCollection();
        double row = Math.max(top, 1e-9) * 0.1;
        for (int q = 0; q < quantizers.size(); q++) {
            Levels l = quantizers.get(q);
            String label = Double.isNaN(l.relativeError()) ? l.name()
                    : String.format(Locale.ROOT, "%s levels (error %.3g)", l.name(), l.relativeError());
            XYSeries s = new XYSeries(label, false, true);
            double y = top + row * (q + 1);
            for (float v : l.levels()) {
                if (!bins.log() || v > 0) {
                    s.add(v, y);
                }
            }
            ticks.addSeries(s);
        }

        ValueAxis x;
        if (bins.log()) {
            LogAxis log = new LogAxis("value (log₂ scale)");
            log.setBase(2);
            log.setSmallestValue(bins.edges()[0]);
            x = log;
        } else {
            x = new NumberAxis("value");
        }
        x.setRange(bins.edges()[0], bins.edges()[n]);
        NumberAxis y = new NumberAxis("share of values");
        y.setRange(0, top + row * (quantizers.size() + 1.5));
        XYBarRenderer barRenderer = new XYBarRenderer();
        barRenderer.setBarPainter(new StandardXYBarPainter());
        barRenderer.setShadowVisible(false);
        barRenderer.setSeriesPaint(0, new Color(0xBBBBBB));
        barRenderer.setSeriesVisibleInLegend(0, false);
        XYPlot plot = new XYPlot(bars, x, y, barRenderer);
        XYLineAndShapeRenderer tickRenderer = new XYLineAndShapeRenderer(false, true);
        Rectangle2D tick = new Rectangle2D.Double(-0.75, -6, 1.5, 12);
        for (int q = 0; q < quantizers.size(); q++) {
            tickRenderer.setSeriesShape(q, tick);
            tickRenderer.setSeriesPaint(q, Palette.color(q));
            tickRenderer.setSeriesStroke(q, new BasicStroke(1f));
        }
        plot.setDataset(1, ticks);
        plot.setRenderer(1, tickRenderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(title, new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 14), plot, true);
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%,d values%s", bins.total() + bins.zeros(),
                bins.zeros() > 0 ? String.format(Locale.ROOT, ", %,d exact zeros not drawn", bins.zeros()) : "")));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** {@value #BINS} bins between the smallest and largest value; log-spaced when no value is negative. */
    static Bins bin(float[] values) {
        double min = Double.POSITIVE_INFINITY;
        double minPositive = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long zeros = 0;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                continue;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (v > 0) {
                minPositive = Math.min(minPositive, v);
            } else if (v == 0) {
                zeros++;
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("no finite values to draw");
        }
        boolean log = min >= 0 && minPositive < Double.POSITIVE_INFINITY && max > minPositive;
        double lo = log ? minPositive : min;
        double hi = max > lo ? max : lo + 1;
        double[] edges = new double[BINS + 1];
        for (int i = 0; i <= BINS; i++) {
            edges[i] = log ? lo * Math.pow(hi / lo, (double) i / BINS) : lo + (hi - lo) * i / BINS;
        }
        long[] counts = new long[BINS];
        long total = 0;
        double logSpan = Math.log(hi / lo);
        for (float v : values) {
            if (!Float.isFinite(v) || (log && v <= 0)) {
                continue;
            }
            double f = log ? Math.log(v / lo) / logSpan : (v - lo) / (hi - lo);
            counts[Math.min(BINS - 1, Math.max(0, (int) (f * BINS)))]++;
            total++;
        }
        return new Bins(edges, counts, log ? zeros : 0, total, log);
    }
}
