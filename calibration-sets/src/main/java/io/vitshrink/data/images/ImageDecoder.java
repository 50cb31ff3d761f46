package io.vitshrink.data.images;

import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an image file into packed 8-bit RGB the way {@code PIL.Image.open(f).convert("RGB")} does,
 * refusing files that would not fit the pixel budget before any pixel is decoded.
 *
 * <p>The reader is chosen from the file's first bytes (a PNG saved as {@code .JPEG} is common in
 * scraped datasets). JPEGs are read as raw samples and converted with libjpeg's own arithmetic (see
 * {@link JpegColor}), ignoring embedded ICC profiles as Pillow does; other formats go through their
 * ImageIO reader and {@link RasterPixels}. Thread-safe: every call uses its own reader.
 */
public final class ImageDecoder {
    /** Pillow's own default guard is about 89 megapixels; 100 is a round number just above it. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    private final long maxPixels;

    /** A decoder with the default 100-megapixel budget. */
    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    /** A decoder that refuses images with more than {@code maxPixels} pixels. */
    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("pixel budget must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes the first image in {@code file}.
     *
     * @throws UnreadableImageException if the file is missing, empty, not an image, truncated,
     *     corrupt, or declares more pixels than the budget
     */
    public RgbImage decode(Path file) throws UnreadableImageException {
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new UnreadableImageException(file, "file not found");
        } catch (IOException e) {
            throw new UnreadableImageException(file, "cannot read: " + e.getMessage(), e);
        }
        if (bytes == 0) {
            throw new UnreadableImageException(file, "empty file (0 bytes)");
        }
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            return decode(file, in);
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Readers signal corrupt data with IIOException but also with assorted runtime exceptions
            // (ArrayIndexOutOfBounds, IllegalState...): all of them mean "this file is broken".
            throw new UnreadableImageException(file, "corrupt or unsupported image data: " + describe(e), e);
        }
    }

    private RgbImage decode(Path file, ImageInputStream in) throws IOException, UnreadableImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new UnreadableImageException(file, "not an image in a supported format (content not recognised)");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        try {
            in.seek(0);
            reader.setInput(in, false, true);
            reader.addIIOReadWarningListener(collectInto(warnings));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkBudget(file, width, height);
            boolean jpeg = "jpeg".equalsIgnoreCase(reader.getFormatName());
            RgbImage image = jpeg ? decodeJpeg(file, reader, in) : RasterPixels.fromImage(reader.read(0));
            failIfTruncated(file, warnings);
            return image;
        } finally {
            reader.dispose();
        }
    }

    private void checkBudget(Path file, int width, int height) throws UnreadableImageException {
        if (width <= 0 || height <= 0) {
            throw new UnreadableImageException(file, "declares an empty size " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new UnreadableImageException(file, String.format(Locale.ROOT,
                    "declares %dx%d = %.1f megapixels, over the %.1f-megapixel budget (possible decompression bomb)",
                    width, height, pixels / 1e6, maxPixels / 1e6));
        }
    }

    private static RgbImage decodeJpeg(Path file, ImageReader reader, ImageInputStream in)
            throws IOException, UnreadableImageException {
        JpegHeader header = JpegHeader.read(in);
        JpegHeader.Space space = header.space();
        if (space == null) {
            throw new UnreadableImageException(file, "JPEG with " + header.components + " components is not supported");
        }
        if (!reader.canReadRaster()) {
            // Not expected with TwelveMonkeys or the JDK reader; colour-managed decoding is the next best thing.
            return RasterPixels.fromImage(reader.read(0));
        }
        Raster raster = reader.readRaster(0, null);
        if (raster.getNumBands() != header.components) {
            throw new UnreadableImageException(file, "JPEG decoder returned " + raster.getNumBands()
                    + " channels for a " + header.components + "-component frame");
        }
        switch (space) {
            case GRAY:
                return RasterPixels.fromSamples(raster, 1, 0);
            case RGB:
                return RasterPixels.fromSamples(raster, 3, 0);
            default:
                return convertJpegColor(raster, space);
        }
    }

    private static RgbImage convertJpegColor(Raster raster, JpegHeader.Space space) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * bands];
        int at = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int p = 0; p < row.length; p += bands, at += 3) {
                if (space == JpegHeader.Space.YCBCR) {
                    JpegColor.ycbcrToRgb(row[p], row[p + 1], row[p + 2], out, at);
                } else if (space == JpegHeader.Space.YCCK) {
                    JpegColor.ycckToRgb(row[p], row[p + 1], row[p + 2], row[p + 3], out, at);
                } else {
                    JpegColor.cmykToRgb(row[p], row[p + 1], row[p + 2], row[p + 3], out, at);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * The JDK's JPEG decoder reports a truncated file only as a warning ("Truncated File - Missing EOI
     * marker") and fills the rest with gray; Pillow refuses such files ("image file is truncated"), and
     * so do we: a half-gray photo is not a fair sample. Other "Corrupt JPEG data" warnings are let
     * through, as Pillow lets them through.
     */
    private static void failIfTruncated(Path file, List<String> warnings) throws UnreadableImageException {
        for (String w : warnings) {
            if (w.toLowerCase(Locale.ROOT).contains("truncated")) {
                throw new UnreadableImageException(file, "truncated image data (" + w.trim() + ")");
            }
        }
    }

    private static IIOReadWarningListener collectInto(List<String> warnings) {
        return (source, warning) -> warnings.add(warning);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        return text.replaceAll("\\s+", " ").trim();
    }

    @Override
    public String toString() {
        return "ImageDecoder[maxPixels=" + maxPixels + "]";
    }
}
