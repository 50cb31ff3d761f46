package io.vitshrink.data.preprocess;

import io.vitshrink.onnx.UserException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named recipes matching the evaluation transforms of well-known model families, so a user writes
 * {@code imagenet-deit} instead of six numbers.
 */
public final class RecipePresets {
    /**
     * DeiT / most timm ImageNet models: crop fraction 0.875 (resize 256, crop 224), bicubic, ImageNet
     * mean and std.
     */
    public static final PreprocessRecipe IMAGENET_DEIT = new PreprocessRecipe("imagenet-deit", 256,
            Interpolation.BICUBIC, true, 224, new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f}, ChannelOrder.RGB);

    /**
     * Inception-style normalization (original ViT, many Google checkpoints): crop fraction 0.9
     * ({@code floor(224 / 0.9) = 248}, crop 224), bicubic, mean = std = 0.5 (pixels to [-1, 1]).
     */
    public static final PreprocessRecipe IMAGENET_INCEPTION = new PreprocessRecipe("imagenet-inception", 248,
            Interpolation.BICUBIC, true, 224, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f},
            ChannelOrder.RGB);

    private static final Map<String, PreprocessRecipe> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put(IMAGENET_DEIT.name(), IMAGENET_DEIT);
        BY_NAME.put(IMAGENET_INCEPTION.name(), IMAGENET_INCEPTION);
    }

    private RecipePresets() {
    }

    /** The preset names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The preset called {@code name}; a clear error listing the presets if there is none. */
    public static PreprocessRecipe get(String name) {
        PreprocessRecipe r = BY_NAME.get(name.trim());
        if (r == null) {
            throw new UserException("unknown preprocessing preset '" + name + "': known presets are "
                    + String.join(", ", names()));
        }
        return r;
    }
}
