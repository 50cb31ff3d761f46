package io.vitshrink.reports.charts;

import java.awt.Rectangle;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/** Renders a chart to an SVG element (JFreeSVG; no display needed: works with {@code java.awt.headless=true}). */
public final class SvgCharts {

    private SvgCharts() {
    }

    /**
     * The chart as an {@code <svg>} element. {@code id} prefixes every definition (clip paths, gradients) so
     * that several charts can be inlined in one HTML page without their ids colliding.
     */
    public static String svg(JFreeChart chart, int width, int height, String id) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGElement(id);
    }
}
