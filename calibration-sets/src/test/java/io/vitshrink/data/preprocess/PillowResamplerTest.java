package io.vitshrink.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.data.images.RgbImage;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PillowResamplerTest {
    /** A 4x4 image: red varies along x (0, 70, 140, 210), green along y (7, 14, 21, 28), blue is 99. */
    private static RgbImage fourByFour() {
        int[] red = {0, 70, 140, 210};
        int[] green = {7, 14, 21, 28};
        byte[] rgb = new byte[4 * 4 * 3];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                rgb[(y * 4 + x) * 3] = (byte) red[x];
                rgb[(y * 4 + x) * 3 + 1] = (byte) green[y];
                rgb[(y * 4 + x) * 3 + 2] = (byte) 99;
            }
        }
        return new RgbImage(4, 4, rgb);
    }

    private static int[] channel(RgbImage img, int c) {
        int[] out = new int[img.width() * img.height()];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                out[y * img.width() + x] = img.get(x, y, c);
            }
        }
        return out;
    }

    @Test
    void bilinearHalvingUsesTheAntialiasedTriangle() {
        // Scale 2 widens the triangle to support 2. Output 0 is centred on source 1.0 and reads sources
        // 0..2 at distances 0.25, 0.25, 0.75 (in kernel units): weights 0.75, 0.75, 0.25, i.e. 3/7, 3/7, 1/7.
        // Red: (3*0 + 3*70 + 140) / 7 = 50 and (70 + 3*140 + 3*210) / 7 = 160.
        // Green along y: (3*7 + 3*14 + 21) / 7 = 12 and (14 + 3*21 + 3*28) / 7 = 23.
        RgbImage out = PillowResampler.resize(fourByFour(), 2, 2, Interpolation.BILINEAR, true);

        assertThat(channel(out, 0)).containsExactly(50, 160, 50, 160);
        assertThat(channel(out, 1)).containsExactly(12, 12, 23, 23);
        assertThat(channel(out, 2)).containsOnly(99);
    }

    @Test
    void bicubicHalvingUsesTheWidenedKeysKernel() {
        // Scale 2 widens the Keys kernel (a = -0.5) to support 4; output 0 (centre 1.0) reads sources 0..3
        // at kernel distances 0.25, 0.25, 0.75, 1.25: weights 0.8671875, 0.8671875, 0.2265625, -0.0703125,
        // sum 1.890625. Output 1 reads the same sources with the weights mirrored.
        // Red 0: (70*0.8671875 + 140*0.2265625 - 210*0.0703125) / 1.890625 = 41.07 -> 41
        // Red 1: (-0*0.0703125 + 70*0.2265625 + 140*0.8671875 + 210*0.8671875) / 1.890625 = 168.93 -> 169
        // Green: 11.11 -> 11 and 23.89 -> 24.
        RgbImage out = PillowResampler.resize(fourByFour(), 2, 2, Interpolation.BICUBIC, true);

        assertThat(channel(out, 0)).containsExactly(41, 169, 41, 169);
        assertThat(channel(out, 1)).containsExactly(11, 11, 24, 24);
        assertThat(channel(out, 2)).containsOnly(99);
    }

    @Test
    void bilinearUpscaleInterpolatesBetweenCentres() {
        // 2 -> 4: output centres at source 0.25, 0.75, 1.25, 1.75; the outer ones see only one source
        // (the kernel is clipped at the border and renormalized), the inner ones mix 3:1.
        RgbImage src = new RgbImage(2, 1, new byte[] {0, 0, 0, (byte) 200, (byte) 200, (byte) 200});
        RgbImage out = PillowResampler.resize(src, 4, 1, Interpolation.BILINEAR, true);

        assertThat(channel(out, 0)).containsExactly(0, 50, 150, 200);
    }

    @Test
    void bicubicUpscaleOfAnEdgeOvershootsAndIsClamped() {
        // Negative lobes ring at a step; Pillow clamps every pass to 0..255 (values from Pillow 12.3).
        RgbImage src = new RgbImage(4, 1, bytes(0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255));
        RgbImage out = PillowResampler.resize(src, 8, 1, Interpolation.BICUBIC, true);

        assertThat(channel(out, 0)).containsExactly(0, 0, 0, 52, 203, 255, 255, 255);
    }

    @Test
    void oneWideImagesResizeAlongTheOtherAxisOnly() {
        RgbImage column = new RgbImage(1, 4, bytes(0, 0, 0, 70, 70, 70, 140, 140, 140, 210, 210, 210));
        assertThat(channel(PillowResampler.resize(column, 1, 2, Interpolation.BILINEAR, true), 0)).containsExactly(50, 160);

        // Widening a 1-pixel column: every output pixel can only see that one column.
        RgbImage wide = PillowResampler.resize(column, 3, 4, Interpolation.BICUBIC, true);
        assertThat(channel(wide, 0)).containsExactly(0, 0, 0, 70, 70, 70, 140, 140, 140, 210, 210, 210);

        RgbImage dot = new RgbImage(1, 1, bytes(9, 8, 7));
        assertThat(channel(PillowResampler.resize(dot, 5, 3, Interpolation.BICUBIC, true), 2)).containsOnly(7);
    }

    @Test
    void matchesPillowBytesOnAWholeImage() {
        // Expected bytes produced by Pillow 12.3: Image.fromarray(src).resize(size, filter).tobytes().
        assertThat(hex(PillowResampler.resize(pattern(13, 9), 5, 7, Interpolation.BICUBIC, true))).isEqualTo(
                "33709998b5a5795f65507ca2a2a9459197737979686893b78e7964754c88505f826ea892a58f6d4f6d9c888e7d8eada8716060"
                + "5a8aa49ea38d565070817076628caf919f596c6c907c9bae76b2899a857047649696ba858b6f6db9555c5c82ae999e8559616665"
                + "91cb");
        assertThat(hex(PillowResampler.resize(pattern(13, 9), 5, 7, Interpolation.BILINEAR, true))).isEqualTo(
                "4075958aaaa07d6671597f9799a24f898f787b826f6e8da885786e7b58835868816fa18c9b8b785a739585897c87a1a1726a6d"
                + "65889991998c5d5d77827579698ba486986372758f7d96a67ba6839086795671908fab83867875af5c65677fa58d98815e6b74"
                + "698ebe");
        assertThat(hex(PillowResampler.resize(pattern(3, 2), 8, 5, Interpolation.BICUBIC, true))).isEqualTo(
                "00285d002d6204396d14497c2459923469ad4075c2457aca06376c073c7113487e23588e33689a4378a34f84a95489ac2c5f94"
                + "2f64993b70ab4b80bd5b90b16ba08777ac657cb15c5186bb568bc16297d872a7eb82b7c892c76b9ed321a3d80c6095ca659ad0"
                + "71a6e981b6fd91c6d0a1d661ade208b2e700");
        assertThat(hex(PillowResampler.resize(pattern(7, 1), 3, 1, Interpolation.BICUBIC, true))).isEqualTo("1b50866facd5c3965b");
        assertThat(hex(PillowResampler.resize(pattern(1, 6), 4, 2, Interpolation.BILINEAR, true)))
                .isEqualTo("52877c52877c52877c52877c75aa7f75aa7f75aa7f75aa7f");
    }

    @Test
    void aConstantImageStaysConstant() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            int w = 1 + random.nextInt(40);
            int h = 1 + random.nextInt(40);
            int value = random.nextInt(256);
            byte[] rgb = new byte[w * h * 3];
            java.util.Arrays.fill(rgb, (byte) value);
            Interpolation filter = random.nextBoolean() ? Interpolation.BICUBIC : Interpolation.BILINEAR;
            RgbImage out = PillowResampler.resize(new RgbImage(w, h, rgb), 1 + random.nextInt(60), 1 + random.nextInt(60),
                    filter, random.nextBoolean());
            for (byte b : out.rgb()) {
                assertThat(b & 0xff).as("%dx%d of %d with %s", w, h, value, filter).isEqualTo(value);
            }
        }
    }

    @Test
    void outputStaysInRangeAndBilinearNeverLeavesTheInputRange() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int w = 1 + random.nextInt(30);
            int h = 1 + random.nextInt(30);
            int low = random.nextInt(200);
            int high = low + random.nextInt(256 - low);
            byte[] rgb = new byte[w * h * 3];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) (random.nextBoolean() ? low : high); // harsh edges provoke overshoot
            }
            RgbImage src = new RgbImage(w, h, rgb);
            int ow = 1 + random.nextInt(50);
            int oh = 1 + random.nextInt(50);
            RgbImage bilinear = PillowResampler.resize(src, ow, oh, Interpolation.BILINEAR, true);
            for (byte b : bilinear.rgb()) {
                assertThat(b & 0xff).isBetween(low, high); // positive weights: a convex combination
            }
            RgbImage bicubic = PillowResampler.resize(src, ow, oh, Interpolation.BICUBIC, random.nextBoolean());
            assertThat(bicubic.rgb()).hasSize(ow * oh * 3);
            for (byte b : bicubic.rgb()) {
                assertThat(b & 0xff).isBetween(0, 255);
            }
        }
    }

    @Test
    void aWindowEqualsCroppingTheFullResize() {
        RgbImage src = pattern(37, 23);
        RgbImage full = PillowResampler.resize(src, 29, 41, Interpolation.BICUBIC, true);
        RgbImage window = PillowResampler.resizeWindow(src, 29, 41, Interpolation.BICUBIC, true, 3, 5, 20, 30);

        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 20; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(window.get(x, y, c)).isEqualTo(full.get(x + 3, y + 5, c));
                }
            }
        }
    }

    @Test
    void withoutAntialiasDownscalingSamplesInsteadOfAveraging() {
        // Alternating 0/240 stripes reduced 3x: the antialiased kernel averages them to gray, while plain
        // interpolation at the output centres 1.5, 4.5 and 7.5 lands exactly on single source pixels.
        byte[] rgb = new byte[9 * 3];
        for (int x = 0; x < 9; x++) {
            java.util.Arrays.fill(rgb, x * 3, x * 3 + 3, (byte) (x % 2 == 0 ? 0 : 240));
        }
        RgbImage src = new RgbImage(9, 1, rgb);
        RgbImage smooth = PillowResampler.resize(src, 3, 1, Interpolation.BILINEAR, true);
        RgbImage sharp = PillowResampler.resize(src, 3, 1, Interpolation.BILINEAR, false);

        assertThat(channel(sharp, 0)).containsExactly(240, 0, 240);
        // Antialiased: support 3, so output 1 (centre 4.5) weighs sources 2..6 by 1/9, 2/9, 3/9, 2/9, 1/9:
        // 240 * 4/9 = 106.7 -> 107; the outer outputs lose one tap to the border: 240 * 4/8 = 120.
        assertThat(channel(smooth, 0)).containsExactly(120, 107, 120);
    }

    /** {@code (x * 37 + y * 91 + c * 53) % 256}, the input of the Pillow reference bytes. */
    private static RgbImage pattern(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) ((x * 37 + y * 91 + c * 53) % 256);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static String hex(RgbImage img) {
        return HexFormat.of().formatHex(img.rgb());
    }
}
