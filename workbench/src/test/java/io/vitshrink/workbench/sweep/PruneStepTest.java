package io.vitshrink.workbench.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PruneStepTest {
    private static final StepContext CTX = new StepContext(Path.of("m.onnx"), Path.of("m.onnx"), Path.of("run"), 0,
            new SweepData("calib", 16, 0, null, null, 0, null, 224, false), 1);

    private static List<String> args(Map<String, String> settings) {
        return new PruneStep().arguments(CTX, settings);
    }

    @Test
    void allocateTakesAFlagOrItsMeasure() {
        assertThat(args(Map.of("sparsity", "0.5", "allocate", "true"))).containsSubsequence("--allocate", "layer");
        assertThat(args(Map.of("sparsity", "0.5", "allocate", "network"))).containsSubsequence("--allocate", "network")
                .doesNotContain("true");
        assertThat(args(Map.of("sparsity", "0.5", "allocate", "false"))).doesNotContain("--allocate");
        assertThatThrownBy(() -> args(Map.of("sparsity", "0.5", "allocate", "global"))).isInstanceOf(UserException.class)
                .hasMessageContaining("allocate must be true, false, layer or network");
    }
}
