package io.vitshrink.quant.rewrite;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** User errors are refused before anything is written, with one line that names what is wrong. */
class RewriteErrorsTest {
    private final Model model = RewriteStructureTest.twoConsumers();
    private final Tensor w = model.graph().initializer("W").orElseThrow();

    private TensorQuantization weight(int bits, Granularity g, int groupSize) {
        return new TensorQuantization("W", TensorRole.WEIGHT, List.of("fc1"),
                Fixtures.params(w.toFloats(), w.dims(), UniformSpec.weights(bits, g, groupSize), 1));
    }

    @Test
    void sixBitQdqPointsToSimulated() {
        assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model, List.of(weight(6, Granularity.PER_CHANNEL, 0))))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("weight 'W'").hasMessageContaining("6 bits").hasMessageContaining("--format simulated");
        UniformParams a6 = new UniformParams(UniformSpec.activations(6), new float[] {0.1f}, new int[] {3}, 0);
        assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model, List.of(Fixtures.activation("h", List.of(), a6))))
                .isInstanceOf(UserException.class).hasMessageContaining("activation 'h'").hasMessageContaining("--format simulated");
        UniformParams a2 = new UniformParams(UniformSpec.activations(2), new float[] {0.1f}, new int[] {1}, 0);
        assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model, List.of(Fixtures.activation("h", List.of(), a2))))
                .isInstanceOf(UserException.class).hasMessageContaining("2-bit activations do not exist in QDQ");
    }

    @Test
    void unknownTensorIsNamed() {
        TensorQuantization ghost = new TensorQuantization("blocks.9.attn.qkv.weight", TensorRole.WEIGHT, List.of(),
                weight(8, Granularity.PER_TENSOR, 0).params());
        for (QuantRewriter r : List.of(QdqRewriter.defaults(), SimulatedRewriter.defaults(), MatMulNBitsRewriter.defaults())) {
            assertThatThrownBy(() -> r.rewrite(model, List.of(ghost))).isInstanceOf(UserException.class)
                    .hasMessageContaining("'blocks.9.attn.qkv.weight'").hasMessageContaining("does not have");
        }
    }

    @Test
    void consumersMustExistAndReadTheTensor() {
        UniformParams p = weight(8, Granularity.PER_CHANNEL, 0).params();
        assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model,
                List.of(new TensorQuantization("W", TensorRole.WEIGHT, List.of("fc9"), p))))
                .isInstanceOf(UserException.class).hasMessageContaining("'fc9'").hasMessageContaining("does not have");
        assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model,
                List.of(new TensorQuantization("W", TensorRole.WEIGHT, List.of("residual"), p))))
                .isInstanceOf(UserException.class).hasMessageContaining("'residual'").hasMessageContaining("does not read it");
        assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model, List.of(weight(8, Granularity.PER_CHANNEL, 0),
                weight(8, Granularity.PER_CHANNEL, 0))))
                .isInstanceOf(UserException.class).hasMessageContaining("twice");
    }

    @Test
    void rolesAndShapesMustFit() {
        UniformParams act = RewriteStructureTest.act8();
        assertThatThrownBy(() -> SimulatedRewriter.defaults().rewrite(model,
                List.of(new TensorQuantization("h", TensorRole.WEIGHT, List.of(), act))))
                .isInstanceOf(UserException.class).hasMessageContaining("'h' is quantized as a weight");
        UniformParams perGroup = weight(4, Granularity.PER_GROUP, 4).params();
        assertThatThrownBy(() -> SimulatedRewriter.defaults().rewrite(model, List.of(Fixtures.activation("h", List.of(), perGroup))))
                .isInstanceOf(UserException.class).hasMessageContaining("per-group quantization is for weights only");
        UniformParams threeScales = new UniformParams(UniformSpec.weights(8, Granularity.PER_CHANNEL, 0),
                new float[] {1f, 1f, 1f}, new int[3], 1);
        assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model,
                List.of(new TensorQuantization("W", TensorRole.WEIGHT, List.of(), threeScales))))
                .isInstanceOf(UserException.class).hasMessageContaining("needs 8 scales").hasMessageContaining("has 3");
    }

    @Test
    void matMulNBitsRefusesWhatItCannotHold() {
        assertThatThrownBy(() -> MatMulNBitsRewriter.defaults().rewrite(model, List.of(weight(4, Granularity.PER_GROUP, 6))))
                .isInstanceOf(UserException.class).hasMessageContaining("group size is 6")
                .hasMessageContaining("power of two from 16 to 256");
        assertThatThrownBy(() -> MatMulNBitsRewriter.defaults().rewrite(model,
                List.of(Fixtures.activation("h", List.of(), RewriteStructureTest.act8()))))
                .isInstanceOf(UserException.class).hasMessageContaining("weights only");
        assertThatThrownBy(() -> MatMulNBitsRewriter.defaults().withAccuracyLevel(7)).isInstanceOf(UserException.class);
    }

    @Test
    void opsetUpgradeRefusesWhatItCannotConvert() {
        Graph g = new Graph("old");
        g.addInput(new ValueInfo("x", DataType.FLOAT, null));
        g.putInitializer(Tensor.ofFloats("scales", new long[] {4}, new float[] {1, 1, 2, 2}));
        g.addNode(new Node("sm", "Softmax", List.of("x"), List.of("s"), Attribute.of("axis", 1L)));
        g.addNode(new Node("up", "Upsample", List.of("s", "scales"), List.of("y")));
        g.addOutput(ValueInfo.untyped("y"));
        Model old = new Model(5, Map.of("", 10L), g);
        assertThatThrownBy(() -> OpsetUpgrade.upgrade(old, 21)).isInstanceOf(UserException.class)
                .hasMessageContaining("from opset 10 to 21").hasMessageContaining("Softmax 'sm'")
                .hasMessageContaining("Upsample 'up'");
        assertThatThrownBy(() -> OpsetUpgrade.upgrade(model, 11)).isInstanceOf(UserException.class)
                .hasMessageContaining("only raised");
        Model ancient = new Model(3, Map.of("", 8L), new Graph("ancient"));
        assertThatThrownBy(() -> OpsetUpgrade.upgrade(ancient, 21)).isInstanceOf(UserException.class)
                .hasMessageContaining("opset 8");
    }
}
