package io.vitshrink.prune.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.io.Npy;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.shape.ShapeProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real DeiT-Tiny exports bake the token count into every attention Reshape
 * ({@code [-1, 197, 3, 3, 64]}, {@code [-1, 197, 192]}); each method's rewrite must make them follow the
 * reduced count at any batch. Skips without {@code ../shared}.
 */
class DeitTokensTest {

    static Path shared(String relative) {
        for (Path root : List.of(Path.of("..", "shared"), Path.of("..", "..", "shared"))) {
            Path p = root.resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
        }
        assumeTrue(false, "../shared is absent; skipping a test that needs the real model");
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"deit_tiny_patch16_224_in1k.onnx", "deit_tiny_patch16_224_in1k_opset13.onnx"})
    void everyMethodRewritesTheRealExport(String file) {
        Model model = ModelIO.load(shared("models/deit-tiny/" + file));
        Tensor input = Npy.read(shared("models/deit-tiny/ref_input_2x3x224x224.npy"));
        float[] expected = Npy.read(shared("models/deit-tiny/ref_logits_2x1000.npy")).toFloats();
        AnalyzedModel a = AnalyzedModel.of(model);
        List<TokenPlan> plans = List.of(
                new TokenPlan(TokenMethod.EVIT, List.of(new TokenSite(3, 150), new TokenSite(6, 120), new TokenSite(9, 90))),
                new TokenPlan(TokenMethod.TOME, List.of(new TokenSite(4, 16), new TokenSite(8, 16))),
                new TokenPlan(TokenMethod.SEMANTIC, List.of(new TokenSite(5, 100))));
        int[][] tokens = {{197, 197, 197, 197, 152, 152, 152, 122, 122, 122, 92, 92},
            {197, 197, 197, 197, 197, 181, 181, 181, 181, 165, 165, 165},
            {197, 197, 197, 197, 197, 197, 101, 101, 101, 101, 101, 101}};
        for (int i = 0; i < plans.size(); i++) {
            Model reduced = TokenReduction.apply(a, plans.get(i));
            int firstSite = plans.get(i).sites().get(0).block();
            for (Node n : reduced.graph().nodes()) {
                if (n.is("Reshape") && n.name().startsWith("/blocks.") && reduced.graph().constant(n.input(1)).isPresent()) {
                    int block = Integer.parseInt(n.name().substring("/blocks.".length(), n.name().indexOf('/', 1)));
                    long[] shape = reduced.graph().constant(n.input(1)).get().toLongs();
                    boolean baked = Arrays.stream(shape).anyMatch(v -> v == 197);
                    assertEquals(block <= firstSite, baked, plans.get(i).describe() + ": " + n.name() + " " + Arrays.toString(shape));
                }
            }
            assertArrayEquals(tokens[i], TokenCounts.perBlock(a.structure(), new ShapeProbe().probe(reduced)), plans.get(i).describe());
            try (Runner r = Runner.open(reduced, RunnerOptions.defaults())) {
                String in = r.inputNames().get(0);
                float[] two = r.run(Map.of(in, input.withName(in))).values().iterator().next().toFloats();
                float[] one = r.run(Map.of(in, Tensor.ofFloats(in, new long[] {1, 3, 224, 224},
                        Arrays.copyOf(input.toFloats(), 3 * 224 * 224)))).values().iterator().next().toFloats();
                assertEquals(2000, two.length);
                assertTrue(TinyModels.maxAbsDiff(Arrays.copyOf(two, 1000), one) < 1e-3, "batch 1 and 2 agree");
                double cosine = TinyModels.cosine(expected, two);
                assertTrue(cosine > 0.8, plans.get(i).describe() + ": logit cosine with float " + cosine);
                if (plans.get(i).method() != TokenMethod.SEMANTIC) { // training-free semantic tokens change more
                    for (int img = 0; img < 2; img++) {
                        assertEquals(argmax(expected, img), argmax(two, img), plans.get(i).describe() + ": image " + img);
                    }
                }
            }
        }
    }

    private static int argmax(float[] logits, int image) {
        int best = 0;
        for (int c = 1; c < 1000; c++) {
            if (logits[image * 1000 + c] > logits[image * 1000 + best]) {
                best = c;
            }
        }
        return best;
    }
}
