package io.vitshrink.workbench.output;

import java.util.ArrayList;
import java.util.List;

/** A plain aligned text table for the terminal (numbers right-aligned, text left-aligned). */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    public Table(String... header) {
        this.header = header;
    }

    public Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    public String render() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, false);
        for (String[] r : rows) {
            line(sb, r, width, true);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, boolean alignNumbers) {
        for (int i = 0; i < cells.length; i++) {
            boolean numeric = alignNumbers && cells[i].matches("[-+0-9.,%eEGMkx ]+") && !cells[i].isBlank();
            String fmt = numeric ? "%" + width[i] + "s" : "%-" + width[i] + "s";
            sb.append(String.format(fmt, cells[i]));
            sb.append(i + 1 < cells.length ? "  " : "");
        }
        sb.append(System.lineSeparator());
    }

    /** 1234567 → "1.23 M", 1.25e9 → "1.25 G". */
    public static String si(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format("%.3f G", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format("%.2f M", v / 1e6);
        }
        if (a >= 1e3) {
            return String.format("%.1f k", v / 1e3);
        }
        return String.format("%.0f", v);
    }

    public static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format("%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format("%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }
}
