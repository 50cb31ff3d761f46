package io.vitshrink.data.preprocess;

import io.vitshrink.data.images.RgbImage;

/**
 * Pillow's {@code Image.resize(size, BICUBIC | BILINEAR)} for 8-bit RGB, re-implemented to give the
 * same bytes.
 *
 * <p>Pillow (since 7, the version torchvision and timm models were trained with) resamples by
 * convolution: a horizontal pass then a vertical pass, each with a kernel widened by the downscale
 * factor (antialiasing), fixed-point weights and a rounding-and-clamping to uint8 after each pass. We
 * follow each of those steps: the intermediate uint8 rounding alone moves top-1 by a few tenths of a
 * percent when skipped. Only the rows of the horizontal pass that the vertical pass reads are computed,
 * as in Pillow, and an optional output window lets a caller resize-and-crop without computing pixels
 * the crop would throw away (the kept pixels are identical).
 *
 * <p>Reference: Pillow {@code src/libImaging/Resample.c} ({@code precompute_coeffs},
 * {@code ImagingResampleHorizontal_8bpc}, {@code ImagingResampleVertical_8bpc}).
 */
public final class PillowResampler {
    private PillowResampler() {
    }

    /** Resizes the whole image to {@code outWidth x outHeight}. */
    public static RgbImage resize(RgbImage src, int outWidth, int outHeight, Interpolation filter, boolean antialias) {
        return resizeWindow(src, outWidth, outHeight, filter, antialias, 0, 0, outWidth, outHeight);
    }

    /**
     * Computes only the window ({@code left, top, width, height}) of the image resized to
     * {@code outWidth x outHeight}; equal to resizing fully and then cropping that window.
     */
    public static RgbImage resizeWindow(RgbImage src, int outWidth, int outHeight, Interpolation filter,
            boolean antialias, int left, int top, int width, int height) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + outWidth + "x" + outHeight);
        }
        if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > outWidth || top + height > outHeight) {
            throw new IllegalArgumentException("window " + width + "x" + height + "+" + left + "+" + top
                    + " is outside the " + outWidth + "x" + outHeight + " output");
        }
        boolean horizontal = outWidth != src.width();
        boolean vertical = outHeight != src.height();
        ResampleKernel rows = vertical ? ResampleKernel.compute(src.height(), outHeight, filter, antialias) : null;
        // Source rows the vertical pass will read for the window (all window rows when no vertical pass).
        int rowFirst = vertical ? rows.first[top] : top;
        int rowEnd = vertical ? rows.first[top + height - 1] + rows.count[top + height - 1] : top + height;
        for (int y = top; vertical && y < top + height; y++) {
            rowFirst = Math.min(rowFirst, rows.first[y]);
            rowEnd = Math.max(rowEnd, rows.first[y] + rows.count[y]);
        }
        RgbImage band = horizontal
                ? horizontalPass(src, ResampleKernel.compute(src.width(), outWidth, filter, antialias),
                        left, width, rowFirst, rowEnd)
                : copyBand(src, left, width, rowFirst, rowEnd);
        return vertical ? verticalPass(band, rows, rowFirst, top, height) : band;
    }

    /** Resamples columns {@code left..left+width} of source rows {@code rowFirst..rowEnd}. */
    private static RgbImage horizontalPass(RgbImage src, ResampleKernel k, int left, int width, int rowFirst, int rowEnd) {
        byte[] in = src.rgb();
        int inRow = src.width() * 3;
        byte[] out = new byte[(rowEnd - rowFirst) * width * 3];
        int at = 0;
        for (int y = rowFirst; y < rowEnd; y++) {
            int rowStart = y * inRow;
            for (int xx = left; xx < left + width; xx++) {
                int base = xx * k.taps;
                int p = rowStart + k.first[xx] * 3;
                int r = ResampleKernel.half();
                int g = r;
                int b = r;
                for (int x = 0, n = k.count[xx]; x < n; x++, p += 3) {
                    int w = k.weights[base + x];
                    r += (in[p] & 0xff) * w;
                    g += (in[p + 1] & 0xff) * w;
                    b += (in[p + 2] & 0xff) * w;
                }
                out[at++] = (byte) ResampleKernel.clip8(r);
                out[at++] = (byte) ResampleKernel.clip8(g);
                out[at++] = (byte) ResampleKernel.clip8(b);
            }
        }
        return new RgbImage(width, rowEnd - rowFirst, out);
    }

    /** Rows {@code top..top+height} of the vertical pass over a band that starts at source row {@code bandFirst}. */
    private static RgbImage verticalPass(RgbImage band, ResampleKernel k, int bandFirst, int top, int height) {
        byte[] in = band.rgb();
        int stride = band.width() * 3;
        byte[] out = new byte[height * stride];
        int at = 0;
        for (int yy = top; yy < top + height; yy++) {
            int base = yy * k.taps;
            int n = k.count[yy];
            int rowStart = (k.first[yy] - bandFirst) * stride;
            for (int c = 0; c < stride; c++) {
                int acc = ResampleKernel.half();
                for (int y = 0, p = rowStart + c; y < n; y++, p += stride) {
                    acc += (in[p] & 0xff) * k.weights[base + y];
                }
                out[at++] = (byte) ResampleKernel.clip8(acc);
            }
        }
        return new RgbImage(band.width(), height, out);
    }

    private static RgbImage copyBand(RgbImage src, int left, int width, int rowFirst, int rowEnd) {
        byte[] out = new byte[(rowEnd - rowFirst) * width * 3];
        for (int y = rowFirst; y < rowEnd; y++) {
            System.arraycopy(src.rgb(), (y * src.width() + left) * 3, out, (y - rowFirst) * width * 3, width * 3);
        }
        return new RgbImage(width, rowEnd - rowFirst, out);
    }
}
