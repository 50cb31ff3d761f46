package io.vitshrink.data.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitshrink.data.StructuredFiles;
import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads preprocessing recipes from JSON or YAML, or from a preset name.
 *
 * <p>Fields ({@code snake_case}): {@code name}, {@code base} (a preset to start from, its values
 * overridden by the other fields), {@code resize} or {@code crop_fraction} (timm's
 * {@code crop_pct}: {@code resize = floor(crop / crop_fraction)}), {@code interpolation}
 * ({@code bicubic} | {@code bilinear}, default bicubic), {@code antialias} (default true),
 * {@code crop}, {@code mean}, {@code std} (3 numbers each), {@code channel_order} ({@code RGB} |
 * {@code BGR}, default RGB). For example:
 * <pre>
 * name: my-vit
 * crop_fraction: 0.9
 * crop: 224
 * mean: [0.5, 0.5, 0.5]
 * std: [0.5, 0.5, 0.5]
 * </pre>
 * Unknown fields, wrong types and out-of-range values fail with one line naming the field.
 */
public final class RecipeReader {
    private static final Set<String> FIELDS = Set.of("name", "base", "resize", "crop_fraction", "interpolation",
            "antialias", "crop", "mean", "std", "channel_order");

    private RecipeReader() {
    }

    /** Reads a recipe file. */
    public static PreprocessRecipe read(Path file) {
        return fromNode(StructuredFiles.read(file), file.toString());
    }

    /** Parses recipe text; {@code where} names its source in errors (and its extension picks JSON or YAML). */
    public static PreprocessRecipe parse(String text, String where) {
        return fromNode(StructuredFiles.parse(text, where), where);
    }

    /**
     * A recipe from a tree node: a text node is a preset name, an object node a recipe.
     * Used for the {@code preset} field of dataset manifests.
     */
    public static PreprocessRecipe fromNode(JsonNode node, String where) {
        if (node.isTextual()) {
            return named(where, null, () -> RecipePresets.get(node.textValue()));
        }
        StructuredFiles.requireKeys(node, FIELDS, where);
        String baseName = StructuredFiles.textField(node, "base", null, where);
        PreprocessRecipe base = baseName == null ? null : named(where, "base", () -> RecipePresets.get(baseName));
        String name = StructuredFiles.textField(node, "name", base == null ? null : base.name(), where);
        if (base == null && !node.hasNonNull("crop")) {
            throw new UserException(where + ": field 'crop' is missing");
        }
        int crop = StructuredFiles.intField(node, "crop", base == null ? 0 : base.crop(), where);
        int resize = resize(node, crop, base, where);
        String interpolationText = StructuredFiles.textField(node, "interpolation",
                base == null ? "bicubic" : base.interpolation().key(), where);
        Interpolation interpolation = named(where, "interpolation", () -> Interpolation.parse(interpolationText));
        boolean antialias = StructuredFiles.booleanField(node, "antialias", base == null || base.antialias(), where);
        float[] mean = triple(node, "mean", base == null ? null : base.mean(), where);
        float[] std = triple(node, "std", base == null ? null : base.std(), where);
        String orderText = StructuredFiles.textField(node, "channel_order",
                base == null ? "RGB" : base.channelOrder().name(), where);
        ChannelOrder order = named(where, "channel_order", () -> ChannelOrder.parse(orderText));
        try {
            return new PreprocessRecipe(name, resize, interpolation, antialias, crop, mean, std, order);
        } catch (UserException e) {
            throw new UserException(where + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code parse}, prefixing a {@link UserException} with the source and the field it came from. */
    private static <T> T named(String where, String field, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (UserException e) {
            throw new UserException(where + (field == null ? "" : ": field '" + field + "'") + ": " + e.getMessage(), e);
        }
    }

    private static int resize(JsonNode node, int crop, PreprocessRecipe base, String where) {
        boolean hasResize = node.hasNonNull("resize");
        boolean hasFraction = node.hasNonNull("crop_fraction");
        if (hasResize && hasFraction) {
            throw new UserException(where + ": give either 'resize' or 'crop_fraction', not both");
        }
        if (hasFraction) {
            double fraction = StructuredFiles.numberField(node, "crop_fraction", 1.0, where);
            if (!(fraction > 0.0 && fraction <= 1.0)) {
                throw new UserException(where + ": field 'crop_fraction' must be in (0, 1], got " + fraction);
            }
            return (int) Math.floor(crop / fraction); // timm: scale_size = math.floor(img_size / crop_pct)
        }
        if (base == null && !hasResize) {
            throw new UserException(where + ": field 'resize' (or 'crop_fraction') is missing");
        }
        return StructuredFiles.intField(node, "resize", base == null ? 0 : base.resize(), where);
    }

    private static float[] triple(JsonNode node, String field, float[] fallback, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw new UserException(where + ": field '" + field + "' is missing");
            }
            return fallback;
        }
        if (!v.isArray() || v.size() != 3) {
            throw new UserException(where + ": field '" + field + "' must be a list of 3 numbers (R, G, B), got " + v);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber()) {
                throw new UserException(where + ": field '" + field + "' must be a list of 3 numbers, got " + v);
            }
            out[i] = (float) v.get(i).doubleValue();
        }
        return out;
    }
}
