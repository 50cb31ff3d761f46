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
 * @param effectiveMacs MACs left when every multiply by a zero weight is skipped: {@code macs} × the
 *     non-zero fraction of the constant weight for weight products (what a sparse kernel that skips
 *     zero blocks executes), {@code macs} otherwise
 * @param nonzeroParams the non-zero elements of {@code params}
 */
public record NodeCost(String node, String opType, Kind kind, long macs, long flops, long params, long effectiveMacs,
        long nonzeroParams) {

    /** A dense node: every MAC is effective, every parameter non-zero. */
    public NodeCost(String node, String opType, Kind kind, long macs, long flops, long params) {
        this(node, opType, kind, macs, flops, params, macs, params);
    }

    /**
     * {@code WEIGHT_PRODUCT}: an activation times a constant weight (Linear, Conv);
     * {@code ACTIVATION_PRODUCT}: two activations (Q·Kᵀ, attn·V); the rest compute per element or move data.
     */
    public enum Kind { WEIGHT_PRODUCT, ACTIVATION_PRODUCT, ELEMENTWISE, NORMALIZATION, SOFTMAX, REDUCTION, DATA_MOVEMENT }

    public boolean isProduct() {
        return kind == Kind.WEIGHT_PRODUCT || kind == Kind.ACTIVATION_PRODUCT;
    }
}
