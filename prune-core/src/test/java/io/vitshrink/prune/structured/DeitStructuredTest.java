package io.vitshrink.prune.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.io.Npy;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.plan.BlockCut;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Head and channel removal on the real DeiT-Tiny exports (skips without ../shared). */
class DeitStructuredTest {

    static Path shared(String relative) {
        String prop = System.getProperty("vitshrink.shared");
        Path root = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(root)) {
            root = Path.of("..", "..", "shared");
        }
        Path p = root.resolve(relative).toAbsolutePath().normalize();
        assumeTrue(Files.exists(p), "../shared is absent; skipping a DeiT-Tiny test");
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"deit_tiny_patch16_224_in1k.onnx"}) // opset 13 differs only in LayerNorm: covered by the tiny models
    void shrunkDeitEqualsMaskedDeit(String file) {
        Model m = ModelIO.load(shared("models/deit-tiny/" + file));
        Tensor input = Npy.read(shared("models/deit-tiny/ref_input_2x3x224x224.npy")).withName("pixel_values");
        AnalyzedModel a = AnalyzedModel.of(m, 224);
        List<BlockCut> cuts = List.of(
                new BlockCut(0, List.of(0, 2), IntStream.range(0, 768).filter(i -> i % 2 == 0).boxed().toList()),
                new BlockCut(7, List.of(1), null),
                new BlockCut(11, null, IntStream.range(100, 300).boxed().toList()));
        Model shrunk = StructuredRewrite.apply(m, a.structure(), a.shapes(), cuts, null, 0.01);
        float[] expected = logits(StructuredRewriteTest.masked(a, cuts), input);
        float[] actual = logits(shrunk, input);
        assertTrue(TinyModels.maxAbsDiff(expected, actual) < 1e-3, "diff " + TinyModels.maxAbsDiff(expected, actual));
        long saved = StructuredSelection.headMacs(a.structure().blocks().get(0).attention())
                + 2 * StructuredSelection.headMacs(a.structure().blocks().get(7).attention())
                + 384 * StructuredSelection.channelMacs(a.structure().blocks().get(0))
                + 568 * StructuredSelection.channelMacs(a.structure().blocks().get(11));
        assertEquals(a.cost().macs() - saved, AnalyzedModel.of(shrunk, 224).cost().macs());
    }

    private static float[] logits(Model m, Tensor input) {
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            return r.run(Map.of("pixel_values", input)).get("logits").toFloats();
        }
    }
}
