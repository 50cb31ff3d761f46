package io.vitshrink.onnx.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A trailing empty input ("optional input absent") is dropped on load: the same model, and one that
 * ONNX Runtime 1.29 runs (it crashes the process on {@code LayerNormalization(x, scale, "")}).
 */
class TrailingOptionalInputsTest {

    @Test
    void trailingEmptyInputsAreDroppedAndTheModelRuns() {
        Graph g = new Graph("ln");
        g.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(4))));
        g.putInitializer(Tensor.ofFloats("gamma", new long[] {4}, new float[] {1, 2, 3, 4}));
        g.addNode(new Node("ln", "LayerNormalization", List.of("x", "gamma", ""), List.of("y")));
        g.addOutput(new ValueInfo("y", DataType.FLOAT, null));
        Model written = new Model(8, Map.of("", 17L), g);

        Model loaded = ModelIO.fromBytes(ModelIO.toBytes(written), "test");
        assertThat(loaded.graph().node("ln").orElseThrow().inputs()).containsExactly("x", "gamma");
        try (Runner r = Runner.open(loaded, RunnerOptions.defaults())) {
            float[] y = r.run(Map.of("x", Tensor.ofFloats("x", new long[] {1, 4}, new float[] {1, 2, 3, 4}))).get("y").toFloats();
            assertThat(y[0]).isNegative();
            assertThat(y[3]).isPositive();
        }
    }
}
