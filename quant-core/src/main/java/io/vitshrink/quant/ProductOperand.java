package io.vitshrink.quant;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A uniform activation and the matrix product that consumes it (its first consumer), for searches on
 * that product's error: the other operand is a weight initializer (a Linear) or another activation
 * (q·kᵀ, attn·V). When the activation is the right operand, {@code Y = L·X}, the search works on
 * {@code Yᵀ = Xᵀ·Lᵀ}, which has the same error: quantization is element-wise.
 *
 * @param tensor the quantized activation
 * @param right whether it is the product's right operand
 * @param otherActivation the other operand when it is an activation, else null
 * @param weight the other operand when it is a weight initializer, else null
 * @param weightOutIn that weight is stored {@code [out, in]} (Gemm transB = 1)
 */
record ProductOperand(String tensor, boolean right, String otherActivation, String weight, boolean weightOutIn) {

    /** Operands of the activation targets not in {@code skip}, where the first consumer is a plain MatMul or Gemm. */
    static List<ProductOperand> find(Graph g, List<QuantTarget> targets, Set<String> skip) {
        List<ProductOperand> out = new ArrayList<>();
        Set<String> fed = g.feedInputs().stream().map(v -> v.name()).collect(java.util.stream.Collectors.toSet());
        for (QuantTarget t : targets) {
            if (t.role() != TensorRole.ACTIVATION || skip.contains(t.tensor()) || fed.contains(t.tensor())
                    || t.consumers().isEmpty()) {
                continue;
            }
            of(g, t.tensor(), t.consumers().get(0)).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<ProductOperand> of(Graph g, String tensor, String consumer) {
        Node n = g.node(consumer).orElse(null);
        if (n == null || !n.domain().isEmpty() || n.inputs().size() < 2) {
            return Optional.empty();
        }
        boolean gemm = n.is("Gemm");
        if (!n.is("MatMul") && !(gemm && n.intAttr("transA", 0) == 0)) {
            return Optional.empty();
        }
        int index = n.input(0).equals(tensor) ? 0 : n.input(1).equals(tensor) ? 1 : -1;
        if (index < 0 || (index == 0 && n.input(1).equals(tensor))) {
            return Optional.empty(); // X·X: not a product with a fixed other operand
        }
        String other = n.input(1 - index);
        if (g.isInitializer(other)) {
            if (index != 0 || g.initializer(other).orElseThrow().rank() != 2) {
                return Optional.empty();
            }
            return Optional.of(new ProductOperand(tensor, false, null, other, gemm && n.intAttr("transB", 0) == 1));
        }
        if (gemm || g.constant(other).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new ProductOperand(tensor, index == 1, other, null, false));
    }
}
