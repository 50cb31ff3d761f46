package io.vitshrink.quant.scheme;

import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.List;

/**
 * One tensor to quantize, before calibration.
 *
 * @param tensor value name
 * @param role weight or activation
 * @param consumers the products whose reads of it are quantized
 * @param spec the quantizer to calibrate
 * @param channelAxis output-channel axis of a weight as stored (ignored for activations)
 * @param product role of the (first) consuming product
 * @param block transformer block index of the (first) consumer, or -1
 */
public record QuantTarget(String tensor, TensorRole role, List<String> consumers, UniformSpec spec, int channelAxis,
        ProductRole product, int block) {

    public QuantTarget {
        consumers = List.copyOf(consumers);
    }
}
