package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.model.Model;
import java.util.List;

/**
 * What a reparameterization pass produced.
 *
 * @param model the edited copy of the input model
 * @param applied what was done, in order; {@link Reparameterizations#apply} on the input model rebuilds
 *     {@code model} from it
 * @param skipped LayerNorms left unchanged, with the reason
 */
public record ReparamResult(Model model, List<Reparameterization> applied, List<SkippedNorm> skipped) {

    public ReparamResult {
        applied = List.copyOf(applied);
        skipped = List.copyOf(skipped);
    }
}
