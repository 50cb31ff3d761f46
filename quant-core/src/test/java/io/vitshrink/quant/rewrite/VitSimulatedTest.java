package io.vitshrink.quant.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.OptimizationLevel;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Simulated quantization of a whole tiny ViT: the same numbers as QDQ where QDQ exists, any width where it does not. */
class VitSimulatedTest {

    /**
     * With ORT's graph optimizations off (so that nothing is fused and both run the written ops), the
     * simulated W8A8 model and the QDQ W8A8 model compute bit-identical logits: the fake-quant chain is
     * the same function as QuantizeLinear → DequantizeLinear.
     */
    @Test
    void simulatedW8a8EqualsQdqBitForBit() {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(ExportStyle.TORCHVISION).opset(17).seed(8);
        TinyVitConfig c = b.config();
        Model model = b.build();
        List<TensorQuantization> plan = VitPlans.w8a8(model, c);
        Model simulated = SimulatedRewriter.defaults().rewrite(model, plan);
        Model qdq = QdqRewriter.defaults().withGemmBiasQuantization(false).rewrite(model, plan);
        RunnerOptions plain = RunnerOptions.defaults().withOptimization(OptimizationLevel.DISABLE_ALL);
        assertThat(VitPlans.logits(simulated, c, 2, 6, 3, plain)).containsExactly(VitPlans.logits(qdq, c, 2, 6, 3, plain));
    }

    /**
     * W6A6 exists only simulated: it runs at batch 1 and 3 and keeps the float model's top-1 class on
     * at least 26 of 32 images.
     */
    @Test
    void w6a6RunsAtAnyBatch() {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(ExportStyle.HUGGING_FACE).opset(13).seed(8);
        TinyVitConfig c = b.config();
        Model model = b.build();
        List<TensorQuantization> plan = VitPlans.plan(model, c, UniformSpec.weights(6, Granularity.PER_CHANNEL, 0),
                UniformSpec.activations(6));
        Model simulated = SimulatedRewriter.defaults().rewrite(model, plan);
        float[] reference = VitPlans.logits(model, c, VitQdqTest.EVAL_SEED, 32, 32, RunnerOptions.defaults());
        float[] batch1 = VitPlans.logits(simulated, c, VitQdqTest.EVAL_SEED, 32, 1, RunnerOptions.defaults());
        float[] batch3 = VitPlans.logits(simulated, c, VitQdqTest.EVAL_SEED, 32, 3, RunnerOptions.defaults());
        assertThat(batch3).containsExactly(batch1, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(VitQdqTest.agreement(reference, batch1, c.numClasses())).isGreaterThanOrEqualTo(26); // measured 29/32
    }
}
