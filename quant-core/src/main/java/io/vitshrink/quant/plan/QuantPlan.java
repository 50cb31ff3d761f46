package io.vitshrink.quant.plan;

import io.vitshrink.quant.reparam.Reparameterization;
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
 * @param reparameterizations replayable float-exact edits, applied in order before quantization
 * @param tensors the quantized tensors
 */
public record QuantPlan(String format, String sourceModel, String sourceSha256, String toolVersion,
        Map<String, Object> settings, List<Reparameterization> reparameterizations, List<TensorQuantization> tensors) {

    public QuantPlan {
        // sorted: replaying a plan must write metadata in the same order, byte for byte
        settings = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
        reparameterizations = List.copyOf(reparameterizations);
        tensors = List.copyOf(tensors);
    }
}
