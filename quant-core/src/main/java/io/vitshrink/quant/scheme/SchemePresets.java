package io.vitshrink.quant.scheme;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import java.util.List;

/**
 * Named schemes. {@code vit-all}: every matrix product (weights per channel, activations per tensor,
 * attention products included). {@code vit-paper}: the same with the patch embedding and the head
 * kept at 8 bits, as most ViT PTQ papers report. {@code weights-only}: no activation quantization.
 */
public final class SchemePresets {

    private SchemePresets() {
    }

    public static List<String> names() {
        return List.of("vit-all", "vit-paper", "weights-only");
    }

    public static QuantScheme get(String name, int weightBits, int activationBits) {
        return switch (name) {
            case "vit-all" -> base(name, weightBits, activationBits, 0);
            case "vit-paper" -> base(name, weightBits, activationBits, 8);
            case "weights-only" -> base(name, weightBits, 0, 0);
            default -> throw new UserException("unknown scheme '" + name + "': use one of " + names()
                    + " or the path of a JSON/YAML scheme file");
        };
    }

    private static QuantScheme base(String name, int w, int a, int edge) {
        return new QuantScheme(name, w, a, Granularity.PER_CHANNEL, 0, edge, List.of(), List.of(), List.of());
    }
}
