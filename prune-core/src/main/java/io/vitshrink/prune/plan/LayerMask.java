package io.vitshrink.prune.plan;

import io.vitshrink.prune.weights.SparsityPattern;
import io.vitshrink.prune.weights.WeightMask;

/**
 * The plan entry of one weight-pruned Linear.
 *
 * @param linear node name of the MatMul/Gemm
 * @param weight initializer name of its weight
 * @param out output features
 * @param in input features
 * @param pattern block or N:M pattern
 * @param sparsity fraction of this layer's weights removed
 * @param mask base64 of the pruned units (see {@link WeightMask})
 */
public record LayerMask(String linear, String weight, int out, int in, SparsityPattern pattern, double sparsity, String mask) {

    public WeightMask toMask() {
        return WeightMask.fromBase64(pattern, out, in, mask);
    }

    public static LayerMask of(String linear, String weight, WeightMask m) {
        return new LayerMask(linear, weight, m.out(), m.in(), m.pattern(), m.sparsity(), m.toBase64());
    }
}
