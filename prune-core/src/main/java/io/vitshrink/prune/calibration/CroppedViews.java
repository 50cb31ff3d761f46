package io.vitshrink.prune.calibration;

import java.util.SplittableRandom;

/**
 * Random resized crops of the calibration images, the augmentation ViTs are trained with: each batch
 * of b images is followed, in the same batch, by {@code views} groups of b crops (view v of image j is
 * image v·b + j, so a hold-out by index modulo a divisor of b keeps an image and its views together).
 * A crop covers 50–100% of the image's area at an aspect ratio between 3:4 and 4:3, is resized back to
 * the full size bilinearly and mirrored with probability ½. The crops of a batch depend only on the
 * seed and the batch's position, so every pass over the images sees the same views.
 */
public final class CroppedViews {
    static final double MIN_AREA = 0.5;
    static final double MAX_RATIO = 4.0 / 3;

    private CroppedViews() {
    }

    /** One crop in source pixels: rows [top, top + height), columns [left, left + width), then mirrored or not. */
    record Crop(double top, double left, double height, double width, boolean mirror) {
    }

    public static CalibrationImages of(CalibrationImages source, int views, long seed) {
        if (views < 1) {
            throw new IllegalArgumentException("views must be at least 1, not " + views);
        }
        return () -> {
            CalibrationImages.Pass inner = source.open();
            return new CalibrationImages.Pass() {
                private int batchIndex;

                @Override
                public boolean hasNext() {
                    return inner.hasNext();
                }

                @Override
                public CalibrationImages.Batch next() {
                    CalibrationImages.Batch b = inner.next();
                    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + batchIndex++);
                    int images = b.size();
                    int channels = (int) b.shape()[1];
                    int h = (int) b.shape()[2];
                    int w = (int) b.shape()[3];
                    int per = channels * h * w;
                    float[] all = new float[b.pixels().length * (1 + views)];
                    System.arraycopy(b.pixels(), 0, all, 0, b.pixels().length);
                    for (int v = 1; v <= views; v++) {
                        for (int j = 0; j < images; j++) {
                            view(b.pixels(), j * per, channels, h, w, crop(random, h, w), all, (v * images + j) * per);
                        }
                    }
                    long[] shape = b.shape().clone();
                    shape[0] *= 1 + views;
                    return new CalibrationImages.Batch(all, shape);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        };
    }

    static Crop crop(SplittableRandom random, int h, int w) {
        double area = MIN_AREA + (1 - MIN_AREA) * random.nextDouble();
        double ratio = Math.exp((2 * random.nextDouble() - 1) * Math.log(MAX_RATIO)); // width / height
        double height = Math.min(h, h * Math.sqrt(area / ratio));
        double width = Math.min(w, w * Math.sqrt(area * ratio));
        return new Crop(random.nextDouble() * (h - height), random.nextDouble() * (w - width), height, width, random.nextBoolean());
    }

    /**
     * Writes the crop of image {@code src[from…]} ({@code channels × h × w}) resized to {@code h × w}
     * into {@code dst[to…]}: output pixel centres map linearly into the crop, values interpolated
     * bilinearly between the four nearest source pixels (clamped at the border).
     */
    static void view(float[] src, int from, int channels, int h, int w, Crop c, float[] dst, int to) {
        for (int y = 0; y < h; y++) {
            double sy = clamp(c.top() + (y + 0.5) * c.height() / h - 0.5, h - 1);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < w; x++) {
                int xo = c.mirror() ? w - 1 - x : x;
                double sx = clamp(c.left() + (xo + 0.5) * c.width() / w - 0.5, w - 1);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                for (int ch = 0; ch < channels; ch++) {
                    int base = from + ch * h * w;
                    double top = src[base + y0 * w + x0] * (1 - fx) + src[base + y0 * w + x1] * fx;
                    double bottom = src[base + y1 * w + x0] * (1 - fx) + src[base + y1 * w + x1] * fx;
                    dst[to + ch * h * w + y * w + x] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
