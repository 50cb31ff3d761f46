package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.nonuniform.TwinUniformQuantizer.Mode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plan records (kind, parameters) and replays exactly the same quantizer, also through JSON. */
class ParametersTest {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    static List<NonUniformQuantizer> samples() {
        return List.of(Log2Quantizer.unit(4), new Log2Quantizer(3, 0.83321f, 0.1f), LogSqrt2Quantizer.unit(6),
                new LogSqrt2Quantizer(8, 1.0000001f, 0f), AdaLogQuantizer.softmax(4, 23),
                new AdaLogQuantizer(6, 41, 37, 3.1415927f, AdaLogQuantizer.GELU_SHIFT),
                new TwinUniformQuantizer(4, Mode.SOFTMAX, 0x1p-10f, 7), new TwinUniformQuantizer(6, Mode.SIGNED, 0.0053116004f, 6),
                UniformActivationQuantizer.ofRange(4, -0.17f, 2.3f), UniformActivationQuantizer.ofRange(8, 0f, 1f));
    }

    @Test
    void parametersRebuildAnEqualQuantizer() throws Exception {
        float[] x = Samples.concat(Samples.softmax(1, 30, 20), Samples.gelu(2, 600, 1.3));
        for (ObjectMapper mapper : List.of(new ObjectMapper(),
                new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS))) {
            for (NonUniformQuantizer q : samples()) {
                Map<String, Object> p = q.parameters();
                assertThat(p).containsKey("bits");
                assertThat(p.values()).allSatisfy(v -> assertThat(v).isInstanceOfAny(Integer.class, Float.class, String.class,
                        Boolean.class));
                NonUniformQuantizer direct = NonUniformQuantizer.fromParameters(q.kind(), p);
                Map<String, Object> read = mapper.readValue(mapper.writeValueAsString(p), MAP);
                NonUniformQuantizer viaJson = NonUniformQuantizer.fromParameters(q.kind(), read);
                for (NonUniformQuantizer again : List.of(direct, viaJson)) {
                    assertThat(again).isEqualTo(q);
                    assertThat(again.parameters()).isEqualTo(p);
                    assertThat(again.fakeQuantize(x)).containsExactly(q.fakeQuantize(x));
                }
            }
        }
    }

    @Test
    void badParametersAreNamed() {
        Map<String, Object> adalog = new HashMap<>(AdaLogQuantizer.softmax(4, 23).parameters());
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("log3", adalog)).isInstanceOf(UserException.class)
                .hasMessageContaining("unknown quantizer kind 'log3'");
        Map<String, Object> missing = new HashMap<>(adalog);
        missing.remove("tau");
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("adalog", missing)).isInstanceOf(UserException.class)
                .hasMessageContaining("'tau' is missing");
        Map<String, Object> extra = new HashMap<>(adalog);
        extra.put("temperature", 1);
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("adalog", extra)).isInstanceOf(UserException.class)
                .hasMessageContaining("unknown parameter(s) [temperature]");
        Map<String, Object> badBits = new HashMap<>(adalog);
        badBits.put("bits", 9);
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("adalog", badBits)).isInstanceOf(UserException.class)
                .hasMessageContaining("bits must be between 2 and 8");
        Map<String, Object> badScale = new HashMap<>(Log2Quantizer.unit(4).parameters());
        badScale.put("scale", -1.0);
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("log2", badScale)).isInstanceOf(UserException.class)
                .hasMessageContaining("scale must be positive");
        Map<String, Object> twin = new HashMap<>(new TwinUniformQuantizer(4, Mode.SOFTMAX, 0x1p-10f, 7).parameters());
        twin.put("delta2", 0.5f);
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("twin_uniform", twin)).isInstanceOf(UserException.class)
                .hasMessageContaining("delta2 must be 2^m·delta1");
        twin.put("delta2", 0x1p-3f);
        twin.put("mode", "gelu");
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("twin_uniform", twin)).isInstanceOf(UserException.class)
                .hasMessageContaining("mode must be 'softmax' or 'signed'");
        Map<String, Object> notInt = new HashMap<>(adalog);
        notInt.put("tau", 23.5);
        assertThatThrownBy(() -> NonUniformQuantizer.fromParameters("adalog", notInt)).isInstanceOf(UserException.class)
                .hasMessageContaining("'tau' must be an integer");
    }
}
