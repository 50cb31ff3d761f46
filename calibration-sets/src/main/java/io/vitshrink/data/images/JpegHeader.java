package io.vitshrink.data.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.stream.ImageInputStream;

/**
 * The few JPEG header facts that decide how samples become RGB: the component count and ids of the
 * frame, and whether a JFIF (APP0) or Adobe (APP14) marker was seen.
 *
 * <p>We read these ourselves because we decode the raw samples and convert colour the way libjpeg
 * does by default (its {@code jdapimin.c} colour-space guess), which is what Pillow uses; the
 * TwelveMonkeys reader would instead convert through the embedded ICC profile, which Pillow ignores.
 */
final class JpegHeader {
    /** The colour space of the stored samples, as libjpeg guesses it. */
    enum Space { GRAY, YCBCR, RGB, CMYK, YCCK }

    private static final int MAX_SEGMENTS = 10_000;

    final int components;
    final boolean jfif;
    final boolean adobe;
    final int adobeTransform;
    final int[] componentIds;

    private JpegHeader(int components, boolean jfif, boolean adobe, int adobeTransform, int[] componentIds) {
        this.components = components;
        this.jfif = jfif;
        this.adobe = adobe;
        this.adobeTransform = adobeTransform;
        this.componentIds = componentIds;
    }

    /**
     * Reads markers from the stream's start up to the first scan, then puts the stream back where it
     * was (the image reader sharing the stream keeps its own idea of the position).
     *
     * @throws IOException if there is no frame header before the first scan or the end of the data
     */
    static JpegHeader read(ImageInputStream in) throws IOException {
        long position = in.getStreamPosition();
        try {
            in.seek(0);
            return scan(in);
        } finally {
            in.seek(position);
        }
    }

    private static JpegHeader scan(ImageInputStream in) throws IOException {
        if (in.readUnsignedByte() != 0xFF || in.readUnsignedByte() != 0xD8) {
            throw new IOException("no JPEG start-of-image marker");
        }
        boolean jfif = false;
        boolean adobe = false;
        int transform = -1;
        int[] ids = null;
        for (int seen = 0; seen < MAX_SEGMENTS; seen++) {
            int marker = nextMarker(in);
            if (marker == 0xD9 || marker == 0xDA) { // end of image, start of scan: headers are over
                break;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // stand-alone markers
                continue;
            }
            int length = in.readUnsignedShort() - 2;
            if (length < 0) {
                throw new IOException("bad JPEG segment length");
            }
            byte[] data = new byte[length];
            in.readFully(data);
            if (marker == 0xE0 && length >= 14 && startsWith(data, "JFIF\0")) {
                jfif = true;
            } else if (marker == 0xEE && length >= 12 && startsWith(data, "Adobe")) {
                adobe = true;
                transform = data[11] & 0xff;
            } else if (isStartOfFrame(marker) && ids == null && length >= 6) {
                int count = data[5] & 0xff;
                if (length < 6 + 3 * count) {
                    throw new IOException("short JPEG frame header");
                }
                ids = new int[count];
                for (int i = 0; i < count; i++) {
                    ids[i] = data[6 + 3 * i] & 0xff;
                }
            }
        }
        if (ids == null) {
            throw new IOException("no JPEG frame header before the image data");
        }
        return new JpegHeader(ids.length, jfif, adobe, transform, ids);
    }

    private static int nextMarker(ImageInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        while (b != 0xFF) { // garbage between segments: libjpeg skips it with a warning
            b = in.readUnsignedByte();
        }
        while (b == 0xFF) { // any number of fill bytes may precede a marker code
            b = in.readUnsignedByte();
        }
        return b;
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean startsWith(byte[] data, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        return data.length >= p.length && Arrays.equals(data, 0, p.length, p, 0, p.length);
    }

    /** libjpeg's default guess of the stored colour space ({@code default_decompress_parms}). */
    Space space() {
        switch (components) {
            case 1:
                return Space.GRAY;
            case 3:
                if (jfif) {
                    return Space.YCBCR;
                }
                if (adobe) {
                    return adobeTransform == 0 ? Space.RGB : Space.YCBCR;
                }
                if (componentIds[0] == 'R' && componentIds[1] == 'G' && componentIds[2] == 'B') {
                    return Space.RGB;
                }
                return Space.YCBCR;
            case 4:
                if (adobe) {
                    return adobeTransform == 0 ? Space.CMYK : Space.YCCK;
                }
                return Space.CMYK;
            default:
                return null;
        }
    }
}
