package io.vitshrink.data.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JpegColorTest {
    private static int[] ycc(int y, int cb, int cr) {
        byte[] out = new byte[3];
        JpegColor.ycbcrToRgb(y, cb, cr, out, 0);
        return new int[] {out[0] & 0xff, out[1] & 0xff, out[2] & 0xff};
    }

    @Test
    void neutralChromaKeepsLuma() {
        assertThat(ycc(0, 128, 128)).containsExactly(0, 0, 0);
        assertThat(ycc(117, 128, 128)).containsExactly(117, 117, 117);
        assertThat(ycc(255, 128, 128)).containsExactly(255, 255, 255);
    }

    @Test
    void followsJfifWithLibjpegRounding() {
        // R = Y + 1.402 (Cr - 128), G = Y - 0.34414 (Cb - 128) - 0.71414 (Cr - 128), B = Y + 1.772 (Cb - 128)
        // Y = 100, Cb = 150, Cr = 90: R = 100 - 53.276 = 46.72 -> 47, G = 100 - 7.571 + 27.137 = 119.57 -> 120,
        // B = 100 + 38.984 = 138.98 -> 139
        assertThat(ycc(100, 150, 90)).containsExactly(47, 120, 139);
    }

    @Test
    void clampsOutOfGamutValues() {
        assertThat(ycc(250, 255, 255)).containsExactly(255, 116, 255);
        assertThat(ycc(5, 0, 0)).containsExactly(0, 140, 0);
    }

    @Test
    void cmykFollowsPillowsInvertedConvention() {
        byte[] out = new byte[3];
        // Stored (255, 255, 255, 255) is "no ink" once inverted: white.
        JpegColor.cmykToRgb(255, 255, 255, 255, out, 0);
        assertThat(new int[] {out[0] & 0xff, out[1] & 0xff, out[2] & 0xff}).containsExactly(255, 255, 255);
        // Stored k = 0 is full black ink.
        JpegColor.cmykToRgb(255, 255, 255, 0, out, 0);
        assertThat(new int[] {out[0] & 0xff, out[1] & 0xff, out[2] & 0xff}).containsExactly(0, 0, 0);
        // c = 100, k = 55: r = 200 - round(100 * 200 / 255) = 200 - 78 = 122
        JpegColor.cmykToRgb(155, 255, 255, 200, out, 0);
        assertThat(out[0] & 0xff).isEqualTo(122);
        assertThat(out[1] & 0xff).isEqualTo(200);
    }
}
