package io.vitshrink.onnx.testkit;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Tensor;
import java.util.List;

/** Subgraphs that every PyTorch-exported style writes the same way: LayerNorm, Linear, GELU, expand. */
final class Layers {
    private Layers() {
    }

    /**
     * LayerNorm over the last axis: the {@code LayerNormalization} operator from opset 17, else the
     * opset-13 decomposition PyTorch writes (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div,
     * Mul gamma, Add beta).
     */
    static String layerNorm(ExportGraph g, String scope, String x, String weight, float[] gamma,
            String bias, float[] beta, float eps) {
        g.weight(weight, ExportGraph.dims(gamma.length), gamma);
        g.weight(bias, ExportGraph.dims(beta.length), beta);
        if (g.opset() >= 17) {
            return g.op(scope, "LayerNormalization", List.of(x, weight, bias),
                    Attribute.of("axis", -1L), Attribute.of("epsilon", eps));
        }
        String mean = g.reduceMean(scope, x, true, -1);
        String centered = g.op(scope, "Sub", List.of(x, mean));
        String squared = g.op(scope, "Pow", List.of(centered, g.float0(scope, 2.0f)));
        String variance = g.reduceMean(scope, squared, true, -1);
        String shifted = g.op(scope, "Add", List.of(variance, g.float0(scope, eps)));
        String std = g.op(scope, "Sqrt", List.of(shifted));
        String normed = g.op(scope, "Div", List.of(centered, std));
        String scaled = g.op(scope, "Mul", List.of(normed, weight));
        return g.op(scope, "Add", List.of(scaled, bias));
    }

    /**
     * {@code nn.Linear} on a rank-3 input as torch exports it: MatMul with the transposed weight (an
     * {@code onnx::MatMul_NNN} initializer {@code [in, out]}), then Add with the bias first.
     */
    static String linear(ExportGraph g, String scope, String x, float[] weight, int out, int in,
            String biasName, float[] bias) {
        String w = g.anonymousWeight(ExportGraph.dims(in, out), ExportGraph.transposed(weight, out, in));
        String mm = g.op(scope, "MatMul", List.of(x, w));
        g.weight(biasName, ExportGraph.dims(out), bias);
        return g.op(scope, "Add", List.of(biasName, mm));
    }

    /** {@code nn.Linear} on a rank-2 input: Gemm with the {@code [out, in]} weight and {@code transB=1}. */
    static String gemm(ExportGraph g, String scope, String x, String weightName, float[] weight, int out, int in,
            String biasName, float[] bias, String output) {
        g.weight(weightName, ExportGraph.dims(out, in), weight);
        g.weight(biasName, ExportGraph.dims(out), bias);
        List<String> inputs = List.of(x, weightName, biasName);
        Attribute[] attrs = {Attribute.of("alpha", 1.0f), Attribute.of("beta", 1.0f), Attribute.of("transB", 1L)};
        return output == null ? g.op(scope, "Gemm", inputs, attrs) : g.opTo(scope, "Gemm", output, inputs, attrs);
    }

    /**
     * GELU in the chosen form. {@code hfGeluNew} selects Hugging Face's {@code gelu_new} decomposition
     * for the tanh form (with Pow 3) instead of PyTorch's {@code approximate='tanh'} one (x*x*x).
     */
    static String gelu(ExportGraph g, String scope, String x, GeluForm form, boolean hfGeluNew) {
        switch (form) {
            case GELU_OP -> {
                return g.op(scope, "Gelu", List.of(x), Attribute.of("approximate", "none"));
            }
            case ERF -> {
                String div = g.op(scope, "Div", List.of(x, g.float0(scope, (float) Math.sqrt(2.0))));
                String erf = g.op(scope, "Erf", List.of(div));
                String add = g.op(scope, "Add", List.of(erf, g.float0(scope, 1.0f)));
                String mul = g.op(scope, "Mul", List.of(x, add));
                return g.op(scope, "Mul", List.of(mul, g.float0(scope, 0.5f)));
            }
            case TANH -> {
                float beta = (float) Math.sqrt(2.0 / Math.PI);
                if (hfGeluNew) {
                    // 0.5 * x * (1.0 + tanh(sqrt(2/pi) * (x + 0.044715 * pow(x, 3.0))))
                    String half = g.op(scope, "Mul", List.of(g.float0(scope, 0.5f), x));
                    String cube = g.op(scope, "Pow", List.of(x, g.float0(scope, 3.0f)));
                    String kappa = g.op(scope, "Mul", List.of(g.float0(scope, 0.044715f), cube));
                    String inner = g.op(scope, "Add", List.of(x, kappa));
                    String scaled = g.op(scope, "Mul", List.of(g.float0(scope, beta), inner));
                    String tanh = g.op(scope, "Tanh", List.of(scaled));
                    String one = g.op(scope, "Add", List.of(g.float0(scope, 1.0f), tanh));
                    return g.op(scope, "Mul", List.of(half, one));
                }
                String square = g.op(scope, "Mul", List.of(x, x));
                String cube = g.op(scope, "Mul", List.of(x, square));
                String kappa = g.op(scope, "Mul", List.of(g.float0(scope, 0.044715f), cube));
                String inner = g.op(scope, "Add", List.of(x, kappa));
                String scaled = g.op(scope, "Mul", List.of(g.float0(scope, beta), inner));
                String tanh = g.op(scope, "Tanh", List.of(scaled));
                String one = g.op(scope, "Add", List.of(g.float0(scope, 1.0f), tanh));
                String xs = g.op(scope, "Mul", List.of(x, one));
                return g.op(scope, "Mul", List.of(g.float0(scope, 0.5f), xs));
            }
            default -> throw new IllegalStateException("unhandled GELU form " + form);
        }
    }

    /**
     * {@code token.expand(batch, -1, -1)} as torch exports it for a dynamic batch: the batch size from
     * {@code like.shape[0]}, the requested shape {@code [B, -1, -1]}, and the Where that replaces the
     * -1 entries by 1 before Expand.
     */
    static String expandToBatch(ExportGraph g, String scope, String token, String like) {
        String batch = g.dim(scope, like, 0);
        String b = g.op(scope, "Unsqueeze", List.of(batch, g.ints(scope, 0)));
        String requested = g.op(scope, "Concat", List.of(b, g.ints(scope, -1), g.ints(scope, -1)),
                Attribute.of("axis", 0L));
        String flat = g.reshape(scope, requested, g.ints(scope, -1));
        String ones = g.op(scope, "ConstantOfShape", List.of(g.op(scope, "Shape", List.of(flat))),
                Attribute.of("value", Tensor.vector("", 1L)));
        String minusOnes = g.op(scope, "Mul", List.of(ones, g.int0(scope, -1)));
        String isMinusOne = g.op(scope, "Equal", List.of(flat, minusOnes));
        String shape = g.op(scope, "Where", List.of(isMinusOne, ones, flat));
        return g.op(scope, "Expand", List.of(token, shape));
    }
}
