package io.vitshrink.data.preprocess;

import io.vitshrink.onnx.UserException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * How a photo becomes a model input, as torchvision/timm evaluation transforms describe it:
 * {@code Resize(resize, interpolation)} of the shorter side, {@code CenterCrop(crop)},
 * {@code ToTensor()} (scale to [0, 1]), {@code Normalize(mean, std)}; output NCHW float32.
 *
 * <p>A recipe is data: it has a name for people, JSON/YAML forms ({@link RecipeReader}) and a
 * {@link #contentHash()} over everything that changes the output (not the name), which keys the
 * tensor cache. Values are validated on construction; a bad one is a {@link UserException} naming
 * the field.
 *
 * @param name         label for logs and reports; not part of the hash
 * @param resize       target length of the shorter side before cropping
 * @param interpolation resampling filter
 * @param antialias    widen the filter on downscale, as Pillow always does
 * @param crop         side of the square center crop; the output is {@code 3 x crop x crop}
 * @param mean         per-channel mean subtracted after scaling to [0, 1], in R, G, B order
 * @param std          per-channel standard deviation divided by, in R, G, B order
 * @param channelOrder order of the planes in the output
 */
public record PreprocessRecipe(String name, int resize, Interpolation interpolation, boolean antialias, int crop,
        float[] mean, float[] std, ChannelOrder channelOrder) {

    /** Largest accepted resize or crop side; far beyond any ViT input, small enough to catch typos. */
    public static final int MAX_SIDE = 8192;

    /** Bump when the pixels produced for the same fields change, so old cache entries stop matching. */
    private static final String ALGORITHM_VERSION = "pillow-resample-v1";

    public PreprocessRecipe {
        name = name == null || name.isBlank() ? "custom" : name.trim();
        check(name, "resize", resize >= 1 && resize <= MAX_SIDE, "must be between 1 and " + MAX_SIDE, resize);
        check(name, "crop", crop >= 1 && crop <= MAX_SIDE, "must be between 1 and " + MAX_SIDE, crop);
        if (interpolation == null) {
            throw new UserException("preprocessing recipe '" + name + "': field 'interpolation' is missing");
        }
        channelOrder = channelOrder == null ? ChannelOrder.RGB : channelOrder;
        mean = checkTriple(name, "mean", mean, 0f, false);
        std = checkTriple(name, "std", std, 0f, true);
    }

    private static void check(String recipe, String field, boolean ok, String rule, Object value) {
        if (!ok) {
            throw new UserException("preprocessing recipe '" + recipe + "': field '" + field + "' " + rule + ", got " + value);
        }
    }

    private static float[] checkTriple(String recipe, String field, float[] values, float low, boolean exclusiveLow) {
        if (values == null || values.length != 3) {
            throw new UserException("preprocessing recipe '" + recipe + "': field '" + field
                    + "' must be a list of 3 numbers (R, G, B), got " + (values == null ? "nothing" : Arrays.toString(values)));
        }
        for (float v : values) {
            boolean ok = Float.isFinite(v) && (exclusiveLow ? v > low : v >= low) && v <= 1f;
            check(recipe, field, ok, exclusiveLow ? "values must be in (0, 1]" : "values must be in [0, 1]",
                    Arrays.toString(values));
        }
        return values.clone();
    }

    /** Channels of the output tensor; always 3. */
    public int channels() {
        return 3;
    }

    /** Floats in one preprocessed image: {@code 3 * crop * crop}. */
    public int tensorLength() {
        return 3 * crop * crop;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** The same recipe under another name (the hash does not change). */
    public PreprocessRecipe withName(String newName) {
        return new PreprocessRecipe(newName, resize, interpolation, antialias, crop, mean, std, channelOrder);
    }

    /**
     * SHA-256 (hex) of everything that determines the output pixels, plus a version of the algorithm.
     * Stable across runs, machines and Java versions: floats are hashed by their bit patterns.
     */
    public String contentHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonicalForm().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private String canonicalForm() {
        StringBuilder s = new StringBuilder(ALGORITHM_VERSION)
                .append("|resize=").append(resize)
                .append("|interpolation=").append(interpolation.key())
                .append("|antialias=").append(antialias)
                .append("|crop=").append(crop)
                .append("|order=").append(channelOrder);
        for (int c = 0; c < 3; c++) {
            s.append("|mean").append(c).append('=').append(Integer.toHexString(Float.floatToIntBits(mean[c])));
            s.append("|std").append(c).append('=').append(Integer.toHexString(Float.floatToIntBits(std[c])));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessRecipe r && name.equals(r.name) && resize == r.resize
                && interpolation == r.interpolation && antialias == r.antialias && crop == r.crop
                && Arrays.equals(mean, r.mean) && Arrays.equals(std, r.std) && channelOrder == r.channelOrder;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, resize, interpolation, antialias, crop, Arrays.hashCode(mean), Arrays.hashCode(std),
                channelOrder);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: resize %d %s%s, crop %d, mean %s, std %s, %s", name, resize,
                interpolation.key(), antialias ? " antialiased" : "", crop, Arrays.toString(mean), Arrays.toString(std),
                channelOrder);
    }
}
