package io.vitshrink.quant.nonuniform;

import java.util.List;
import java.util.Objects;

/**
 * One activation quantized by a {@link NonUniformQuantizer}: what a plan entry needs to rebuild the
 * simulated form with {@link NonUniformRewriter#rewrite}.
 *
 * @param tensor the activation's value name
 * @param consumers the nodes whose reads go through the quantizer; empty means every reader
 * @param quantizer the calibrated quantizer (its {@code kind()} and {@code parameters()} are the record)
 */
public record NonUniformQuantization(String tensor, List<String> consumers, NonUniformQuantizer quantizer) {

    public NonUniformQuantization {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(quantizer, "quantizer");
        consumers = List.copyOf(consumers);
    }
}
