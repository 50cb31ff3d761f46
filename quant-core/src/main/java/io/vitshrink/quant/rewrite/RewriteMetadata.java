package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import java.util.List;
import java.util.Map;

/** The {@code metadata_props} keys every rewriter writes, so that an exported model says what made it. */
public final class RewriteMetadata {
    /** How the model is quantized: {@code qdq}, {@code qdq+matmulnbits}, {@code matmulnbits}, {@code simulated}. */
    public static final String FORMAT = "vitshrink.format";
    /** How many tensors the plan quantized (weights plus activations). */
    public static final String QUANTIZED_TENSORS = "vitshrink.quantized_tensors";
    /** How many of them are weights. */
    public static final String QUANTIZED_WEIGHTS = "vitshrink.quantized_weights";
    /** How many of them are activations. */
    public static final String QUANTIZED_ACTIVATIONS = "vitshrink.quantized_activations";
    /** Present when the rewrite raised the default opset: {@code "13->21"}. */
    public static final String OPSET_UPGRADE = "vitshrink.opset_upgrade";

    private RewriteMetadata() {
    }

    static void write(Model model, String format, List<TensorQuantization> plan, Map<String, String> extra) {
        long weights = plan.stream().filter(q -> q.role() == TensorRole.WEIGHT).count();
        model.putMetadata(FORMAT, format);
        model.putMetadata(QUANTIZED_TENSORS, Long.toString(plan.size()));
        model.putMetadata(QUANTIZED_WEIGHTS, Long.toString(weights));
        model.putMetadata(QUANTIZED_ACTIVATIONS, Long.toString(plan.size() - weights));
        extra.forEach(model::putMetadata);
    }
}
