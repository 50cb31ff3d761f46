package io.vitshrink.onnx.cost;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Costs of a whole model for one image, with the per-node breakdown.
 *
 * @param nodes per-node costs in graph order
 * @param params parameters: elements of floating-point initializers with more than one element
 *     (scalars such as epsilons and scales are constants, not parameters)
 * @param storedBytes bytes of all initializers at their stored precision
 * @param otherConstantBytes bytes of initializers that are not parameters (shapes, scalars)
 */
public record ModelCost(List<NodeCost> nodes, long params, long storedBytes, long otherConstantBytes) {

    public ModelCost {
        nodes = List.copyOf(nodes);
    }

    public long macs() {
        return nodes.stream().mapToLong(NodeCost::macs).sum();
    }

    /** MACs when multiplications by zero weights are skipped (see {@link NodeCost#effectiveMacs()}). */
    public long effectiveMacs() {
        return nodes.stream().mapToLong(NodeCost::effectiveMacs).sum();
    }

    /** Non-zero parameters, summed over the nodes that own them. */
    public long nonzeroParams() {
        return nodes.stream().mapToLong(NodeCost::nonzeroParams).sum();
    }

    public long flops() {
        return nodes.stream().mapToLong(NodeCost::flops).sum();
    }

    /** Bytes of the model if every parameter were stored with {@code bits} bits (constants unchanged). */
    public long bytesAtBits(int bits) {
        return (params * bits + 7) / 8 + otherConstantBytes;
    }

    /**
     * Bit operations: MACs × weight bits × activation bits for every product with a weight, and
     * MACs × activation bits² for products of two activations.
     */
    public long bops(int weightBits, int activationBits) {
        return bops(n -> weightBits, n -> activationBits);
    }

    /** BOPs with per-node bit-widths (for mixed-precision plans). */
    public long bops(ToIntFunction<String> weightBitsOfNode, ToIntFunction<String> activationBitsOfNode) {
        long total = 0;
        for (NodeCost n : nodes) {
            if (n.kind() == NodeCost.Kind.WEIGHT_PRODUCT) {
                total += n.macs() * weightBitsOfNode.applyAsInt(n.node()) * activationBitsOfNode.applyAsInt(n.node());
            } else if (n.kind() == NodeCost.Kind.ACTIVATION_PRODUCT) {
                int a = activationBitsOfNode.applyAsInt(n.node());
                total += n.macs() * a * a;
            }
        }
        return total;
    }

    /** MACs, FLOPs and parameters summed over a set of node names (a block, the head, …). */
    public Subtotal subtotal(Collection<String> nodeNames) {
        Set<String> set = nodeNames instanceof Set<String> s ? s : Set.copyOf(nodeNames);
        long macs = 0;
        long flops = 0;
        long p = 0;
        for (NodeCost n : nodes) {
            if (set.contains(n.node())) {
                macs += n.macs();
                flops += n.flops();
                p += n.params();
            }
        }
        return new Subtotal(macs, flops, p);
    }

    /** Summed costs of a part of the model. */
    public record Subtotal(long macs, long flops, long params) {
    }

    public Map<String, NodeCost> byNode() {
        Map<String, NodeCost> m = new java.util.LinkedHashMap<>();
        nodes.forEach(n -> m.put(n.node(), n));
        return m;
    }
}
