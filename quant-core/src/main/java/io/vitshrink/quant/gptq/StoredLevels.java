package io.vitshrink.quant.gptq;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import java.util.Arrays;
import java.util.List;

/**
 * Replays the weights a plan stores as levels (GPTQ): each such weight initializer is replaced by its
 * dequantized levels {@code (q - zp)·scale}. Those values lie on the plan's grid, so the rewriters'
 * round-to-nearest (QDQ, simulated, MatMulNBits) reproduces exactly the stored levels; nothing else
 * in the export path needs to know about GPTQ.
 */
public final class StoredLevels {
    private StoredLevels() {
    }

    /** The model with the stored-level weights written in (the model itself when there are none). */
    public static Model install(Model model, List<TensorQuantization> tensors) {
        if (tensors.stream().noneMatch(TensorQuantization::hasLevels)) {
            return model;
        }
        Model copy = model.copy();
        Graph g = copy.graph();
        for (TensorQuantization t : tensors) {
            if (!t.hasLevels()) {
                continue;
            }
            Tensor w = g.initializer(t.tensor()).orElseThrow(() -> new UserException("the plan stores levels for weight '"
                    + t.tensor() + "', which the model does not have; was the plan made for another model?"));
            int[] levels = t.levels();
            if (w.numel() != levels.length) {
                throw new UserException("the plan stores " + levels.length + " levels for weight '" + t.tensor()
                        + "' of shape " + Arrays.toString(w.dims()) + "; was the plan made for another model?");
            }
            float[] values = UniformQuantizer.dequantize(levels, w.dims(), t.params());
            g.replaceInitializer(t.tensor(), Tensor.ofFloats(t.tensor(), w.dims(), values));
        }
        return copy;
    }
}
