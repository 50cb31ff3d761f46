package io.vitshrink.data.images;

/**
 * libjpeg's fixed-point colour conversions (JFIF YCbCr to RGB, YCCK to CMYK) and Pillow's naive
 * CMYK to RGB, reproduced so decoded pixels match what Pillow (through libjpeg-turbo) hands to
 * torchvision: 16 fractional bits, round half up, clamp to 0..255.
 */
final class JpegColor {
    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);

    private static final int[] CR_TO_R = new int[256];
    private static final int[] CB_TO_B = new int[256];
    private static final int[] CR_TO_G = new int[256];
    private static final int[] CB_TO_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_TO_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_TO_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_TO_G[i] = -fix(0.71414) * x;
            CB_TO_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegColor() {
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALE_BITS) + 0.5);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Writes the RGB of one YCbCr sample triple into {@code out[at..at+2]}. */
    static void ycbcrToRgb(int y, int cb, int cr, byte[] out, int at) {
        out[at] = (byte) clamp(y + CR_TO_R[cr]);
        out[at + 1] = (byte) clamp(y + ((CB_TO_G[cb] + CR_TO_G[cr]) >> SCALE_BITS));
        out[at + 2] = (byte) clamp(y + CB_TO_B[cb]);
    }

    /**
     * One YCCK sample to RGB: to CMYK as libjpeg does (the YCC part to RGB, then complemented), then as
     * {@link #cmykToRgb}.
     */
    static void ycckToRgb(int y, int cb, int cr, int k, byte[] out, int at) {
        int c = clamp(255 - (y + CR_TO_R[cr]));
        int m = clamp(255 - (y + ((CB_TO_G[cb] + CR_TO_G[cr]) >> SCALE_BITS)));
        int ye = clamp(255 - (y + CB_TO_B[cb]));
        cmykToRgb(c, m, ye, k, out, at);
    }

    /**
     * One stored CMYK sample to RGB as Pillow does it. Pillow reads every four-component JPEG as
     * inverted CMYK (Adobe's convention, marker or not: {@code "CMYK;I"}), then converts without colour
     * management, {@code r = (255 - k) * (255 - c) / 255} with its rounding division by 255.
     */
    static void cmykToRgb(int storedC, int storedM, int storedY, int storedK, byte[] out, int at) {
        int c = 255 - storedC;
        int m = 255 - storedM;
        int y = 255 - storedY;
        int nk = storedK; // 255 - k, with k = 255 - storedK
        out[at] = (byte) clamp(nk - mulDiv255(c, nk));
        out[at + 1] = (byte) clamp(nk - mulDiv255(m, nk));
        out[at + 2] = (byte) clamp(nk - mulDiv255(y, nk));
    }

    /** {@code round(a * b / 255)} for bytes, the way Pillow computes it without a division. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
