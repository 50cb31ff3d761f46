package io.vitshrink.reports.charts;

import java.awt.Color;
import java.awt.Paint;

/** Series colours that stay distinguishable in print and for common colour-vision deficiencies (Okabe–Ito). */
final class Palette {
    private static final Color[] COLORS = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000)};

    private Palette() {
    }

    static Paint color(int i) {
        return COLORS[i % COLORS.length];
    }
}
