package io.vitshrink.reports.charts;

import java.awt.Color;
import java.awt.Font;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Per-layer sensitivity: one group of bars per unit (a weight or activation tensor), one bar per bit
 * width — the damage when only that unit is quantized (e.g. the KL of the logits on held-out images).
 */
public final class SensitivityBars {

    private SensitivityBars() {
    }

    /** One series: layer → sensitivity, in the order to draw. */
    public static JFreeChart build(String title, String valueLabel, Map<String, Double> byLayer) {
        return bySeries(title, valueLabel, Map.of(valueLabel, byLayer));
    }

    /**
     * @param bySeries series name (e.g. {@code 4 bits}) → layer → sensitivity; layers are drawn in the
     *     order of the first series, which should hold them all
     */
    public static JFreeChart bySeries(String title, String valueLabel, Map<String, Map<String, Double>> bySeries) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        bySeries.forEach((series, byLayer) -> byLayer.forEach((layer, v) -> d.addValue(v, series, layer)));
        boolean legend = bySeries.size() > 1;
        JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, d, PlotOrientation.VERTICAL, legend, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 8));
        plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.9f);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        for (int i = 0; i < bySeries.size(); i++) {
            r.setSeriesPaint(i, Palette.color(i));
        }
        r.setShadowVisible(false);
        r.setItemMargin(0.02);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
