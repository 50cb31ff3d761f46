package io.vitshrink.data.images;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns decoded rasters into packed RGB without Java 2D colour management.
 *
 * <p>{@code BufferedImage.getRGB} would convert linear-gray images and ICC-tagged images into sRGB,
 * changing pixel values; Pillow's {@code convert("RGB")} copies the stored samples. So we read samples
 * directly wherever the model is plain gray or RGB, and only fall back to {@code getRGB} for exotic
 * models (CMYK TIFF, 5-6-5 BMP) where there is no stored RGB to copy.
 */
final class RasterPixels {
    private RasterPixels() {
    }

    /** The stored samples of a decoded image as RGB (alpha dropped, gray replicated). */
    static RgbImage fromImage(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel) {
            return fromPalette((IndexColorModel) cm, raster);
        }
        int type = cm.getColorSpace().getType();
        int colors = cm.getNumColorComponents();
        boolean plain = (type == ColorSpace.TYPE_RGB && colors == 3) || (type == ColorSpace.TYPE_GRAY && colors == 1);
        int bits = uniformSampleBits(raster);
        if (plain && (bits == 8 || bits == 16)) {
            return fromSamples(raster, colors, bits == 16 ? 8 : 0);
        }
        return fromArgb(image);
    }

    /**
     * Copies the first {@code colors} bands (1 = gray, 3 = RGB) of a raster, shifting each sample
     * right by {@code shift} (8 for 16-bit samples: keep the high byte, as Pillow does).
     */
    static RgbImage fromSamples(Raster raster, int colors, int shift) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * bands];
        int at = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                if (colors == 1) {
                    byte g = (byte) (row[p] >> shift);
                    out[at] = g;
                    out[at + 1] = g;
                    out[at + 2] = g;
                } else {
                    out[at] = (byte) (row[p] >> shift);
                    out[at + 1] = (byte) (row[p + 1] >> shift);
                    out[at + 2] = (byte) (row[p + 2] >> shift);
                }
                at += 3;
            }
        }
        return new RgbImage(w, h, out);
    }

    private static RgbImage fromPalette(IndexColorModel cm, Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        int at = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = row[x];
                out[at++] = (byte) cm.getRed(i);
                out[at++] = (byte) cm.getGreen(i);
                out[at++] = (byte) cm.getBlue(i);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static RgbImage fromArgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        int at = 0;
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                out[at++] = (byte) (argb >> 16);
                out[at++] = (byte) (argb >> 8);
                out[at++] = (byte) argb;
            }
        }
        return new RgbImage(w, h, out);
    }

    /** The sample size shared by all bands, or -1 if they differ. */
    private static int uniformSampleBits(Raster raster) {
        int[] sizes = raster.getSampleModel().getSampleSize();
        for (int s : sizes) {
            if (s != sizes[0]) {
                return -1;
            }
        }
        return sizes[0];
    }
}
