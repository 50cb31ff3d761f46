package io.vitshrink.data.images;

/**
 * An 8-bit RGB image stored as packed, interleaved bytes ({@code r,g,b,r,g,b,...}, row by row).
 *
 * <p>Packed bytes rather than a {@code BufferedImage}: the resampler works on exactly this layout,
 * like Pillow's 8-bit image core, and it costs a third of an {@code int}-per-pixel raster. The pixel
 * array is shared, not copied, for speed; treat it as read-only once the image is built.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /**
     * @param rgb packed pixels, {@code width * height * 3} bytes, handed over (not copied)
     */
    public RgbImage(int width, int height, byte[] rgb) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs "
                    + (long) width * height * 3 + " bytes, got " + rgb.length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The packed pixels themselves (not a copy). */
    public byte[] rgb() {
        return rgb;
    }

    /** One channel value 0..255 of the pixel at ({@code x}, {@code y}); {@code channel} 0 = red. */
    public int get(int x, int y, int channel) {
        return rgb[(y * width + x) * 3 + channel] & 0xff;
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
