package io.vitshrink.onnx.testkit;

/** How the MLP's GELU is written into the graph. */
public enum GeluForm {
    /**
     * The exact GELU, {@code x * 0.5 * (1 + erf(x / sqrt 2))}, decomposed as PyTorch exports
     * {@code nn.GELU()} below opset 20: Div, Erf, Add, Mul, Mul.
     */
    ERF,

    /**
     * The tanh approximation {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}: Hugging Face's
     * {@code gelu_new} (with Pow) in the Hugging Face style, PyTorch's {@code approximate='tanh'}
     * decomposition (x*x*x) in the others. A different function from {@link #ERF} (by about 1e-3).
     */
    TANH,

    /**
     * The {@code Gelu} operator ({@code approximate="none"}, the same function as {@link #ERF}). It
     * exists from opset 20: the builder refuses it at a lower opset rather than silently raising it.
     */
    GELU_OP;

    /** The first default-domain opset that can express this form. */
    public int minimumOpset() {
        return this == GELU_OP ? 20 : 13;
    }
}
