package io.vitshrink.quant.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import io.vitshrink.quant.reparam.Reparameterization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanJsonTest {
    @TempDir
    Path dir;

    private static QuantPlan plan() {
        SplittableRandom r = new SplittableRandom(1);
        float[] scales = new float[64];
        int[] zps = new int[64];
        for (int i = 0; i < scales.length; i++) {
            // awkward floats: shortest-representation printing must still round-trip them exactly
            scales[i] = Float.intBitsToFloat(0x3a000000 + r.nextInt(1 << 23));
        }
        TensorQuantization w = new TensorQuantization("onnx::MatMul_655", TensorRole.WEIGHT, List.of("/blocks.0/attn/qkv/MatMul"),
                new UniformParams(UniformSpec.weights(6, Granularity.PER_CHANNEL, 0), scales, zps, 1));
        TensorQuantization a = new TensorQuantization("/blocks.0/norm1/out", TensorRole.ACTIVATION, List.of("q", "k", "v"),
                new UniformParams(UniformSpec.activations(8), new float[] {0.0123456789f}, new int[] {17}, -1));
        return new QuantPlan("simulated", "m.onnx", "abc", "dev", Map.of("w_bits", 6, "observer", "mse"),
                List.of(new Reparameterization("repq-vit", "/blocks.0/norm1/out", List.of("/blocks.0/attn/qkv/MatMul"),
                        new float[] {1.5f, 0.3f}, new float[] {0f, -0.1f})), List.of(w, a));
    }

    @Test
    void roundTripsBitExactly() {
        QuantPlan p = plan();
        Path f = dir.resolve("plan.json");
        PlanJson.write(p, f);
        QuantPlan back = PlanJson.read(f);
        assertThat(back.tensors()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(back.tensors().get(i)).isEqualTo(p.tensors().get(i));
        }
        assertThat(back.format()).isEqualTo("simulated");
        assertThat(back.settings()).containsEntry("observer", "mse");
        assertThat(back.reparameterizations().get(0).scale()).containsExactly(1.5f, 0.3f);
        assertThat(back.reparameterizations().get(0).shift()).containsExactly(0f, -0.1f);
        assertThat(PlanJson.toJson(back)).isEqualTo(PlanJson.toJson(p));
    }

    @Test
    void badFieldsAreNamed() throws IOException {
        String good = PlanJson.toJson(plan());
        Path f = dir.resolve("bad.json");
        Files.writeString(f, good.replace("\"bits\" : 6", "\"bits\" : \"six\""));
        assertThatThrownBy(() -> PlanJson.read(f)).isInstanceOf(UserException.class)
                .hasMessageContaining("tensors[0]").hasMessageContaining("'bits'");
        Files.writeString(f, good.replace("\"format\" : \"simulated\"", "\"format\" : \"tflite\""));
        assertThatThrownBy(() -> PlanJson.read(f)).hasMessageContaining("'format' must be qdq or simulated");
        Files.writeString(f, good.replace("\"role\" : \"weight\"", "\"role\" : \"weight\", \"colour\" : 1"));
        assertThatThrownBy(() -> PlanJson.read(f)).hasMessageContaining("unknown key 'colour'");
        Files.writeString(f, good.replace("\"bits\" : 6", "\"bits\" : 40"));
        assertThatThrownBy(() -> PlanJson.read(f)).hasMessageContaining("bits must be between 2 and 16");
        Files.writeString(f, "[1, 2]");
        assertThatThrownBy(() -> PlanJson.read(f)).hasMessageContaining("is not a JSON object");
    }
}
