package io.vitshrink.prune.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.weights.PrunableLinears;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeping the residual stream between blocks gives the same Gram matrices as running the whole network. */
class BlockwiseGramCollectorTest {

    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "HUGGING_FACE", "TORCHVISION"})
    void keptStreamGivesTheFullNetworksGrams(ExportStyle style) {
        TinyVitConfig c = TinyModels.config(style, 17);
        Model m = TinyVitBuilder.build(c);
        AnalyzedModel a = AnalyzedModel.of(m, TinyModels.IMAGE);
        List<TransformerBlock> blocks = a.structure().blocks();
        for (TransformerBlock b : blocks) {
            assertTrue(BlockwiseGramCollector.selfContained(m, b.input(), b.output()), style + " block " + b.index());
        }
        BlockwiseGramCollector kept = new BlockwiseGramCollector(RunnerOptions.defaults(), n -> { });
        kept.start(m, blocks.get(0).input(), TinyModels.calibration(c));
        kept.advance(m, blocks.get(0).input(), blocks.get(0).output());
        TransformerBlock second = blocks.get(1);
        List<Linear> linears = PrunableLinears.of(a.structure()).stream().filter(l -> second.nodes().contains(l.name())).toList();
        Map<String, Integer> inputs = PrunableLinears.inputs(linears);
        Map<String, InputGram> fromStream = kept.grams(m, second.input(), second.output(), inputs);
        Map<String, InputGram> full = new GramCollector(RunnerOptions.defaults(), n -> { }).collect(m, inputs, TinyModels.calibration(c));
        for (String v : inputs.keySet()) {
            double[] e = full.get(v).matrix();
            double[] x = fromStream.get(v).matrix();
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], x[i], 1e-4 * (1 + Math.abs(e[i])), v + " " + i);
            }
        }
    }
}
