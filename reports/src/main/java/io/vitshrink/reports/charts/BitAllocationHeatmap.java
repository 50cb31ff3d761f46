package io.vitshrink.reports.charts;

import java.awt.Color;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/** A mixed-precision plan as a grid: transformer block (x) × tensor role (y) → bits (colour); 0 = not quantized. */
public final class BitAllocationHeatmap {

    private BitAllocationHeatmap() {
    }

    /**
     * @param blocks block names along x
     * @param tensors tensor roles along y ({@code qkv}, {@code proj}, {@code fc1}, …)
     * @param bits bits[tensor][block]
     */
    public static JFreeChart build(String title, List<String> blocks, List<String> tensors, int[][] bits) {
        int n = blocks.size() * tensors.size();
        double[][] xyz = new double[3][n];
        int i = 0;
        for (int t = 0; t < tensors.size(); t++) {
            for (int b = 0; b < blocks.size(); b++) {
                xyz[0][i] = b;
                xyz[1][i] = t;
                xyz[2][i] = bits[t][b];
                i++;
            }
        }
        DefaultXYZDataset d = new DefaultXYZDataset();
        d.addSeries("bits", xyz);
        LookupPaintScale scale = new LookupPaintScale(0, 17, Color.LIGHT_GRAY);
        scale.add(0, new Color(0xEEEEEE));
        scale.add(2, new Color(0xB2182B));
        scale.add(4, new Color(0xEF8A62));
        scale.add(5, new Color(0xFDDBC7));
        scale.add(6, new Color(0xD1E5F0));
        scale.add(7, new Color(0x67A9CF));
        scale.add(8, new Color(0x2166AC));
        scale.add(9, new Color(0x053061));
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(scale);
        XYPlot plot = new XYPlot(d, new SymbolAxis("block", blocks.toArray(String[]::new)),
                new SymbolAxis("tensor", tensors.toArray(String[]::new)), r);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart(title, plot);
        chart.removeLegend();
        NumberAxis legendAxis = new NumberAxis("bits");
        legendAxis.setRange(0, 17);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
