package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.quant.plan.TensorQuantization;
import java.util.List;
import java.util.Map;

/**
 * Applies quantization decisions to a model. Implementations never modify {@code model}; they return a
 * rewritten copy that records its provenance in {@code metadata_props}.
 */
public interface QuantRewriter {

    /**
     * The rewritten model.
     *
     * @param model the float model (not modified)
     * @param plan what to quantize; an entry with no consumers quantizes every read of its tensor
     * @param metadata extra {@code metadata_props} to write (e.g. the serialized plan, the tool
     *     version); they override the rewriter's own keys
     * @throws io.vitshrink.onnx.UserException when the plan does not fit the model or the format
     */
    Model rewrite(Model model, List<TensorQuantization> plan, Map<String, String> metadata);

    /** {@link #rewrite(Model, List, Map)} without extra metadata. */
    default Model rewrite(Model model, List<TensorQuantization> plan) {
        return rewrite(model, plan, Map.of());
    }

    /** The format name written to {@link RewriteMetadata#FORMAT}: {@code qdq}, {@code simulated}, … */
    String format();
}
