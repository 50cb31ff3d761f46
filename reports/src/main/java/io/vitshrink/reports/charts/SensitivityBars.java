package io.vitshrink.reports.charts;

import java.awt.Color;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/** Per-layer sensitivity: one bar per layer (e.g. the top-1 or KL change when only that layer is quantized). */
public final class SensitivityBars {

    private SensitivityBars() {
    }

    /** @param byLayer layer → sensitivity, in the order to draw */
    public static JFreeChart build(String title, String valueLabel, Map<String, Double> byLayer) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        byLayer.forEach((layer, v) -> d.addValue(v, valueLabel, layer));
        JFreeChart chart = ChartFactory.createBarChart(title, "layer", valueLabel, d, PlotOrientation.VERTICAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        ((BarRenderer) plot.getRenderer()).setSeriesPaint(0, Palette.color(0));
        ((BarRenderer) plot.getRenderer()).setShadowVisible(false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
