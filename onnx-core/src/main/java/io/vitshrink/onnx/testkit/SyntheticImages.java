package io.vitshrink.onnx.testkit;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Deterministic generated images: a colour gradient with a few ellipses and rectangles and a little
 * noise, 8 bits per channel. Image {@code i} of seed {@code s} is always the same picture, whatever
 * the batch it is drawn in. Float batches are those pixels normalized as ViT preprocessing does:
 * {@code (v / 255 - mean) / std} with the ImageNet mean and std for 3 channels (0.5 and 0.25 for any
 * other channel count), NCHW.
 *
 * <p>{@link #write} saves such images as PNG files, exactly the model's input size, labelled with the
 * <em>reference model's own prediction</em> on them ({@link TinyVitReference#predict}): a tiny ViT
 * evaluated with plain normalization (no resize or crop, which are identities at that size) scores
 * top-1 = 1.0 on its own set, so a demo or test can watch compression move accuracy from a known 1.0.
 * Images whose prediction is a near tie are left out so that the labels are robust.
 */
public final class SyntheticImages {
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** The least gap between the two best reference logits of an image {@link #write} keeps. */
    public static final float MIN_LABEL_MARGIN = 0.05f;

    private SyntheticImages() {
    }

    /** The 8-bit pixels (0–255) of image {@code index} of set {@code seed}, CHW. */
    public static int[] pixels(long seed, int index, int channels, int height, int width) {
        if (channels < 1 || height < 1 || width < 1 || index < 0) {
            throw new IllegalArgumentException("need channels, height, width >= 1 and index >= 0, got "
                    + channels + ", " + height + ", " + width + ", " + index);
        }
        SplittableRandom r = new SplittableRandom(mix64(seed ^ mix64(index + 0x632BE59BD9B4E019L)));
        double[] field = new double[channels * height * width];
        // Background: a linear gradient between two colours along a random direction.
        double angle = r.nextDouble() * 2 * Math.PI;
        double ux = Math.cos(angle);
        double uy = Math.sin(angle);
        double[] from = colour(r, channels);
        double[] to = colour(r, channels);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = 0.5 + 0.5 * ((x + 0.5) / width - 0.5) * 2 * ux + 0.5 * ((y + 0.5) / height - 0.5) * 2 * uy;
                t = Math.max(0, Math.min(1, t));
                for (int c = 0; c < channels; c++) {
                    field[(c * height + y) * width + x] = from[c] + (to[c] - from[c]) * t;
                }
            }
        }
        // Two to four shapes.
        int shapes = 2 + r.nextInt(3);
        for (int s = 0; s < shapes; s++) {
            boolean ellipse = r.nextBoolean();
            double cx = r.nextDouble() * width;
            double cy = r.nextDouble() * height;
            double rx = (0.1 + 0.3 * r.nextDouble()) * width;
            double ry = (0.1 + 0.3 * r.nextDouble()) * height;
            double[] col = colour(r, channels);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double dx = (x + 0.5 - cx) / rx;
                    double dy = (y + 0.5 - cy) / ry;
                    boolean inside = ellipse ? dx * dx + dy * dy <= 1 : Math.abs(dx) <= 1 && Math.abs(dy) <= 1;
                    if (inside) {
                        for (int c = 0; c < channels; c++) {
                            field[(c * height + y) * width + x] = col[c];
                        }
                    }
                }
            }
        }
        int[] out = new int[field.length];
        for (int i = 0; i < out.length; i++) {
            double v = field[i] + (r.nextDouble() - 0.5) * 16;
            out[i] = (int) Math.max(0, Math.min(255, Math.round(v)));
        }
        return out;
    }

    private static double[] colour(SplittableRandom r, int channels) {
        double[] c = new double[channels];
        for (int i = 0; i < channels; i++) {
            c[i] = r.nextDouble() * 255;
        }
        return c;
    }

    /** The per-channel means normalization subtracts: ImageNet's (0.485, 0.456, 0.406) for 3 channels, else 0.5. */
    public static float[] mean(int channels) {
        float[] m = new float[channels];
        for (int c = 0; c < channels; c++) {
            m[c] = channels == 3 ? IMAGENET_MEAN[c] : 0.5f;
        }
        return m;
    }

    /** The per-channel standard deviations normalization divides by: ImageNet's (0.229, 0.224, 0.225), else 0.25. */
    public static float[] std(int channels) {
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = channels == 3 ? IMAGENET_STD[c] : 0.25f;
        }
        return s;
    }

    /** Normalizes 8-bit CHW pixels of one image into {@code out} at {@code offset}: {@code (v / 255 - mean) / std}. */
    public static void normalize(int[] chw, int channels, float[] out, int offset) {
        int plane = chw.length / channels;
        for (int c = 0; c < channels; c++) {
            float mean = channels == 3 ? IMAGENET_MEAN[c] : 0.5f;
            float std = channels == 3 ? IMAGENET_STD[c] : 0.25f;
            for (int i = 0; i < plane; i++) {
                out[offset + c * plane + i] = (chw[c * plane + i] / 255f - mean) / std;
            }
        }
    }

    /** Images {@code 0 .. count-1} of set {@code seed}, normalized, as an NCHW float batch. */
    public static float[] batch(long seed, int count, int channels, int height, int width) {
        int per = channels * height * width;
        float[] out = new float[count * per];
        for (int i = 0; i < count; i++) {
            normalize(pixels(seed, i, channels, height, width), channels, out, i * per);
        }
        return out;
    }

    /** A batch shaped for a tiny ViT's input. */
    public static float[] batch(TinyVitConfig config, long seed, int count) {
        return batch(seed, count, config.channels(), config.imageSize(), config.imageSize());
    }

    /** The class name of index {@code label} among {@code classes}: {@code class_07}; names sort in index order. */
    public static String className(int label, int classes) {
        int digits = Math.max(2, Integer.toString(Math.max(0, classes - 1)).length());
        return "class_" + String.format("%0" + digits + "d", label);
    }

    /**
     * Writes {@code count} images of set {@code seed} as PNG files of the model's input size (1 or 3
     * channels), labelled with the reference model's prediction on them, in {@code layout}. Images
     * whose two best logits are closer than {@link #MIN_LABEL_MARGIN} are skipped, so that a float
     * model reproduces every label even through slightly different float arithmetic; the images
     * kept are the first such ones in index order ({@link LabeledImage#index()}). Every file is
     * written atomically.
     *
     * @return the written images, in the order of their file names
     * @throws IllegalArgumentException when the config's channel count is not 1 or 3
     * @throws UserException            when a file cannot be written
     */
    public static List<LabeledImage> write(Path folder, TinyVitConfig config, long seed, int count, ImageLayout layout) {
        int ch = config.channels();
        if (ch != 1 && ch != 3) {
            throw new IllegalArgumentException("PNG images need 1 or 3 channels; the model has " + ch);
        }
        int size = config.imageSize();
        int per = ch * size * size;
        int classes = config.numClasses();
        TinyVitReference reference = new TinyVitReference(config);
        List<int[]> kept = new ArrayList<>(count);
        List<Integer> keptIndex = new ArrayList<>(count);
        List<Integer> keptLabel = new ArrayList<>(count);
        int limit = 20 * count + 100;
        float[] one = new float[per];
        for (int index = 0; kept.size() < count; index++) {
            if (index >= limit) {
                throw new IllegalStateException("only " + kept.size() + " of the first " + limit
                        + " images have a clear prediction; is the model degenerate?");
            }
            int[] px = pixels(seed, index, ch, size, size);
            normalize(px, ch, one, 0);
            float[] logits = reference.logits(one, 1);
            int best = TinyVitReference.argmax(logits, 1, classes)[0];
            float second = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                if (k != best) {
                    second = Math.max(second, logits[k]);
                }
            }
            if (logits[best] - second >= MIN_LABEL_MARGIN) {
                kept.add(px);
                keptIndex.add(index);
                keptLabel.add(best);
            }
        }
        try {
            Files.createDirectories(folder);
            if (layout == ImageLayout.FOLDER_PER_CLASS) {
                for (int k = 0; k < classes; k++) {
                    Files.createDirectories(folder.resolve(className(k, classes)));
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot create folder '" + folder + "': " + e.getMessage(), e);
        }
        List<LabeledImage> written = new ArrayList<>(count);
        StringBuilder labelLines = new StringBuilder();
        int digits = Math.max(4, Integer.toString(Math.max(0, count - 1)).length());
        for (int i = 0; i < count; i++) {
            int label = keptLabel.get(i);
            String name = "img_" + String.format("%0" + digits + "d", i) + ".png";
            String cls = className(label, classes);
            Path file = layout == ImageLayout.FOLDER_PER_CLASS ? folder.resolve(cls).resolve(name) : folder.resolve(name);
            BufferedImage image = toImage(kept.get(i), ch, size, size);
            AtomicFiles.write(file, out -> {
                if (!ImageIO.write(image, "png", out)) {
                    throw new IOException("no PNG writer available");
                }
            });
            written.add(new LabeledImage(file, label, cls, keptIndex.get(i)));
            labelLines.append(name).append(' ').append(label).append('\n');
        }
        if (layout == ImageLayout.FLAT_WITH_LABELS) {
            byte[] bytes = labelLines.toString().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(folder.resolve("labels.txt"), out -> out.write(bytes));
        }
        return written;
    }

    /** 8-bit CHW pixels as an RGB or grey image. */
    public static BufferedImage toImage(int[] chw, int channels, int height, int width) {
        BufferedImage image = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (channels == 1) {
                    image.getRaster().setSample(x, y, 0, chw[i]);
                } else {
                    image.setRGB(x, y, (chw[i] << 16) | (chw[plane + i] << 8) | chw[2 * plane + i]);
                }
            }
        }
        return image;
    }

    /** Stafford's mix13 finalizer: spreads nearby seeds over unrelated random streams. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
