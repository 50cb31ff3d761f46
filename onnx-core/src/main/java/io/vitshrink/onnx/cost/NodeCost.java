package io.vitshrink.onnx.cost;

/**
 * The cost of one node for one image.
 *
 * @param node node name
 * @param opType its op type
 * @param kind what sort of work it is
 * @param macs multiply-accumulates (matrix products and convolutions only)
 * @param flops floating-point operations (2 × MACs for products, per-element counts otherwise)
 * @param params parameters it owns (elements of the float weight initializers it reads)
 */
public record NodeCost(String node, String opType, Kind kind, long macs, long flops, long params) {

    /**
     * {@code WEIGHT_PRODUCT}: an activation times a constant weight (Linear, Conv);
     * {@code ACTIVATION_PRODUCT}: two activations (Q·Kᵀ, attn·V); the rest compute per element or move data.
     */
    public enum Kind { WEIGHT_PRODUCT, ACTIVATION_PRODUCT, ELEMENTWISE, NORMALIZATION, SOFTMAX, REDUCTION, DATA_MOVEMENT }

    public boolean isProduct() {
        return kind == Kind.WEIGHT_PRODUCT || kind == Kind.ACTIVATION_PRODUCT;
    }
}
