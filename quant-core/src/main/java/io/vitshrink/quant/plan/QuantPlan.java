package io.vitshrink.quant.plan;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to rebuild a quantized model from its float original: the export format, the
 * float-exact reparameterizations applied first (as replayable data), and every quantized tensor with
 * its scales and zero points. Settings and provenance are recorded for people and reports; they are
 * not needed to replay the plan.
 *
 * @param format {@code qdq} or {@code simulated}
 * @param sourceModel file name of the float model
 * @param sourceSha256 content hash of the float model file (empty when unknown)
 * @param toolVersion vitshrink version that made the plan
 * @param settings flat description of the run (bits, observer, scheme, calibration size, …)
 * @param reparameterizations replayable float-exact edits, in order; each a flat JSON object
 * @param tensors the quantized tensors
 */
public record QuantPlan(String format, String sourceModel, String sourceSha256, String toolVersion,
        Map<String, Object> settings, List<Map<String, Object>> reparameterizations, List<TensorQuantization> tensors) {

    public QuantPlan {
        settings = Map.copyOf(settings);
        reparameterizations = List.copyOf(reparameterizations);
        tensors = List.copyOf(tensors);
    }
}
