package io.vitshrink.quant.scheme;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import java.util.List;

/**
 * What to quantize and how.
 *
 * @param name preset or file name, for reports
 * @param weightBits bits of weights (2–8)
 * @param activationBits bits of activations (2–16), or 0 for weight-only quantization
 * @param weightGranularity per tensor, per channel or per group
 * @param groupSize group length for per-group weights (32, 64, 128)
 * @param edgeBits bits kept for the patch embedding and the head (weights and their input
 *     activations), or 0 to treat them like every other product (the common paper setting keeps 8)
 * @param excludeNodes node-name patterns ({@code *} matches any run of characters) of products left in float
 * @param excludeOpTypes op types left in float (e.g. {@code Conv})
 * @param excludeBlocks transformer block indices left in float
 */
public record QuantScheme(String name, int weightBits, int activationBits, Granularity weightGranularity,
        int groupSize, int edgeBits, List<String> excludeNodes, List<String> excludeOpTypes, List<Integer> excludeBlocks) {

    public QuantScheme {
        if (weightBits < 2 || weightBits > 8) {
            throw new UserException("weight bits must be between 2 and 8, not " + weightBits);
        }
        if (activationBits != 0 && (activationBits < 2 || activationBits > 16)) {
            throw new UserException("activation bits must be between 2 and 16 (or 0 for weight-only), not " + activationBits);
        }
        if (edgeBits != 0 && (edgeBits < 2 || edgeBits > 8)) {
            throw new UserException("edge bits (patch embedding and head) must be between 2 and 8, or 0, not " + edgeBits);
        }
        if (weightGranularity == Granularity.PER_GROUP && groupSize < 2) {
            throw new UserException("per-group weights need a group size (32, 64 or 128), not " + groupSize);
        }
        excludeNodes = List.copyOf(excludeNodes);
        excludeOpTypes = List.copyOf(excludeOpTypes);
        excludeBlocks = List.copyOf(excludeBlocks);
    }

    public QuantScheme withBits(int w, int a) {
        return new QuantScheme(name, w, a, weightGranularity, groupSize, edgeBits, excludeNodes, excludeOpTypes, excludeBlocks);
    }

    public QuantScheme withGranularity(Granularity g, int group) {
        return new QuantScheme(name, weightBits, activationBits, g, group, edgeBits, excludeNodes, excludeOpTypes, excludeBlocks);
    }

    public boolean quantizesActivations() {
        return activationBits > 0;
    }
}
