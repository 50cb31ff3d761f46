package io.vitshrink.data.preprocess;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * Resampling filters, with Pillow's kernels and support radii (in source pixels at scale 1).
 * Pillow's bicubic uses the Keys kernel with {@code a = -0.5}.
 */
public enum Interpolation {
    /** Pillow {@code Image.BILINEAR}: triangle kernel, support 1. */
    BILINEAR(1.0) {
        @Override
        double weight(double x) {
            if (x < 0.0) {
                x = -x;
            }
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    },
    /** Pillow {@code Image.BICUBIC}: cubic convolution with {@code a = -0.5}, support 2. */
    BICUBIC(2.0) {
        @Override
        double weight(double x) {
            // Evaluated in the same order as Pillow so the double weights agree bit for bit.
            final double a = -0.5;
            if (x < 0.0) {
                x = -x;
            }
            if (x < 1.0) {
                return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            }
            if (x < 2.0) {
                return (((x - 5) * x + 8) * x - 4) * a;
            }
            return 0.0;
        }
    };

    private final double support;

    Interpolation(double support) {
        this.support = support;
    }

    /** Kernel radius in source pixels before antialias scaling. */
    double support() {
        return support;
    }

    /** Kernel value at distance {@code x} (in kernel units). */
    abstract double weight(double x);

    /** The lower-case name used in recipe files. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code bicubic} or {@code bilinear} (any case). */
    public static Interpolation parse(String text) {
        for (Interpolation i : values()) {
            if (i.key().equalsIgnoreCase(text.trim())) {
                return i;
            }
        }
        throw new UserException("unknown interpolation '" + text + "': use bicubic or bilinear");
    }
}
