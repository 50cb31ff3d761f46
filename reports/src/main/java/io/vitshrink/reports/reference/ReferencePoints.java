package io.vitshrink.reports.reference;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Published reference points from a CSV: the bundled {@code published-reference-points.csv} (PTQ4ViT,
 * FQ-ViT, RepQ-ViT, AdaLog and ToMe on DeiT/ViT, every row with its source table) or a user's file in
 * the same format. Columns: {@code method,model,w_bits,a_bits,top1,float_top1,gmacs,source,where};
 * {@code #} lines are comments; fields may be double-quoted.
 */
public final class ReferencePoints {
    public static final String RESOURCE = "/io/vitshrink/reports/reference/published-reference-points.csv";
    private static final String HEADER = "method,model,w_bits,a_bits,top1,float_top1,gmacs,source,where";

    private ReferencePoints() {
    }

    public static List<ReferencePoint> bundled() {
        try (InputStream in = ReferencePoints.class.getResourceAsStream(RESOURCE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the bundled reference points");
        } catch (IOException e) {
            throw new IllegalStateException("bundled reference points unreadable", e);
        }
    }

    /** The bundled CSV's text (written next to a report so users can extend it). */
    public static String bundledText() {
        try (InputStream in = ReferencePoints.class.getResourceAsStream(RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("bundled reference points unreadable", e);
        }
    }

    public static List<ReferencePoint> read(Path file) {
        try {
            return parse(Files.readString(file), "'" + file + "'");
        } catch (IOException e) {
            throw new UserException("cannot read the reference points " + file + ": " + e.getMessage(), e);
        }
    }

    static List<ReferencePoint> parse(String text, String what) {
        List<ReferencePoint> out = new ArrayList<>();
        boolean header = false;
        int n = 0;
        for (String line : text.split("\r?\n")) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!header) {
                if (!line.trim().equals(HEADER)) {
                    throw new UserException(what + " must start with the header '" + HEADER + "'");
                }
                header = true;
                continue;
            }
            List<String> f = fields(line);
            if (f.size() != 9) {
                throw new UserException(what + " line " + n + ": expected 9 fields, found " + f.size());
            }
            try {
                out.add(new ReferencePoint(f.get(0), f.get(1), Integer.parseInt(f.get(2)), Integer.parseInt(f.get(3)),
                        Double.parseDouble(f.get(4)), Double.parseDouble(f.get(5)),
                        f.get(6).isBlank() ? Double.NaN : Double.parseDouble(f.get(6)), f.get(7), f.get(8)));
            } catch (NumberFormatException e) {
                throw new UserException(what + " line " + n + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }
}
