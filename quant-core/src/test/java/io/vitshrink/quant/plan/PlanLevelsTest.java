package io.vitshrink.quant.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.gptq.StoredLevels;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPTQ levels in plan files: exact round trip, and one clear line for every way the stored text can be wrong. */
class PlanLevelsTest {
    @TempDir
    Path dir;

    static final UniformSpec SPEC = UniformSpec.weights(4, Granularity.PER_CHANNEL, 0);

    static QuantPlan plan(int[] levels) {
        UniformParams p = new UniformParams(SPEC, new float[] {0.5f, 0.25f}, new int[] {0, 0}, 1);
        return new QuantPlan("simulated", "m", "", "t", Map.of(), List.of(),
                List.of(TensorQuantization.withLevels("w", List.of("mm"), p, levels)));
    }

    @Test
    void levelsRoundTripExactly() {
        int[] levels = {-8, 7, 0, 3, -1, 5};
        Path f = dir.resolve("p.json");
        PlanJson.write(plan(levels), f);
        assertThat(PlanJson.read(f).tensors().get(0).levels()).containsExactly(levels);
    }

    @Test
    void badLevelTextIsOneClearLine() throws Exception {
        Path f = dir.resolve("p.json");
        PlanJson.write(plan(new int[] {1, 2, 3, 4, 5, 6}), f);
        String good = Files.readString(f);
        String stored = good.replaceAll("(?s).*\"levels\" : \"([^\"]*)\".*", "$1");
        for (String[] c : new String[][] {
            {"\"" + stored + "\"", "\"not base64!\"", "not Base64"},
            {"\"" + stored + "\"", "\"" + stored.substring(0, stored.length() / 2) + "\"", "levels"},
            {"\"" + stored + "\"", "[1, 2]", "must be text"},
        }) {
            Files.writeString(f, good.replace(c[0], c[1]));
            assertThatThrownBy(() -> PlanJson.read(f)).isInstanceOf(UserException.class).hasMessageContaining(c[2])
                    .hasMessageNotContaining("\n");
        }
        // a level outside the 4-bit grid
        PlanJson.write(plan(new int[] {1, 2, 3, 4, 5, 6}), f);
        String outOfGrid = good.replace(stored, PlanJsonLevels.encode(new int[] {1, 2, 3, 4, 5, 100}));
        Files.writeString(f, outOfGrid);
        assertThatThrownBy(() -> PlanJson.read(f)).isInstanceOf(UserException.class).hasMessageContaining("outside");
    }

    @Test
    void replayingLevelsOnAnotherModelSaysSo() {
        Model m = TinyVitBuilder.deitLike().depth(1).build();
        String weight = m.graph().initializers().keySet().stream()
                .filter(n -> m.graph().initializer(n).orElseThrow().rank() == 2).findFirst().orElseThrow();
        UniformParams p = new UniformParams(SPEC, new float[] {0.5f}, new int[] {0}, 1);
        TensorQuantization wrongCount = TensorQuantization.withLevels(weight, List.of(), 
                new UniformParams(UniformSpec.weights(4, Granularity.PER_TENSOR, 0), new float[] {0.5f}, new int[] {0}, 1),
                new int[] {1, 2, 3});
        assertThatThrownBy(() -> StoredLevels.install(m, List.of(wrongCount))).isInstanceOf(UserException.class)
                .hasMessageContaining("another model");
        TensorQuantization missing = TensorQuantization.withLevels("no_such_weight", List.of(), p, new int[] {1});
        assertThatThrownBy(() -> StoredLevels.install(m, List.of(missing))).isInstanceOf(UserException.class)
                .hasMessageContaining("no_such_weight");
    }
}
