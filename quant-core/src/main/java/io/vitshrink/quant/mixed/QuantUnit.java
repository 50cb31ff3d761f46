package io.vitshrink.quant.mixed;

import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.List;

/**
 * What gets one bit width in a mixed-precision plan: one quantized tensor, or (grouped per block) every
 * weight or every activation of a transformer block.
 *
 * @param name the tensor name, or {@code block<i>/weights} / {@code block<i>/activations}
 * @param role weights or activations (a unit never mixes them)
 * @param targets the tensors quantized together
 * @param block transformer block, or -1
 * @param size how much the unit counts in its average: parameters for weights, MACs of the consuming
 *     products for activations
 */
public record QuantUnit(String name, TensorRole role, List<QuantTarget> targets, int block, long size) {

    public QuantUnit {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("unit '" + name + "' has no tensor");
        }
    }

    public boolean isWeight() {
        return role == TensorRole.WEIGHT;
    }
}
