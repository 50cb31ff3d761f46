package io.vitshrink.onnx.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.TinyModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader checks that came with fuzzing, one example each, with the message a user sees. (Crashes the
 * fuzzers found are replayed from the targets' {@code Inputs} folders; these are the rules that keep legal
 * protobuf but broken ONNX out.)
 */
class LoaderHardeningTest {

    private static OnnxMl.ModelProto.Builder mlp() {
        try {
            return OnnxMl.ModelProto.parseFrom(ModelIO.toBytes(TinyModels.mlp())).toBuilder();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(Consumer<OnnxMl.GraphProto.Builder> edit) {
        OnnxMl.ModelProto.Builder m = mlp();
        edit.accept(m.getGraphBuilder());
        return assertThatThrownBy(() -> ModelIO.fromBytes(m.build().toByteArray(), "m.onnx"))
                .isInstanceOf(UserException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void duplicateInitializer() {
        refused(g -> g.addInitializer(g.getInitializer(0))).hasMessage("m.onnx: initializer 'W' is defined twice");
    }

    @Test
    void initializerWithoutName() {
        refused(g -> g.addInitializer(g.getInitializer(1).toBuilder().setName("")))
                .hasMessage("m.onnx has an initializer without a name");
    }

    @Test
    void graphInputDeclaredTwice() {
        refused(g -> g.addInput(g.getInput(0))).hasMessage("m.onnx: graph input 'x' is declared twice");
    }

    @Test
    void nodeWritingAGraphInput() {
        refused(g -> g.setNode(1, g.getNode(1).toBuilder().setOutput(0, "x")))
                .hasMessage("m.onnx: value 'x' is written by node 'add' (Add) but is also a graph input");
    }

    @Test
    void nodeWithoutOutputs() {
        refused(g -> g.addNode(g.getNode(2).toBuilder().setName("dead").clearOutput()))
                .hasMessageStartingWith("m.onnx: node 'dead' (Relu) has no outputs");
    }

    @Test
    void noGraphOutputs() {
        refused(OnnxMl.GraphProto.Builder::clearOutput)
                .hasMessage("m.onnx declares no graph outputs, so the model computes nothing; export it again");
    }

    @Test
    void hugeIntsAttribute() {
        List<Long> values = new ArrayList<>(Collections.nCopies((1 << 20) + 1, 1L));
        refused(g -> g.setNode(2, g.getNode(2).toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("pads").setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(values))))
                .hasMessageStartingWith("m.onnx: attribute 'pads' holds 1048577 values, more than vitshrink accepts");
    }

    @Test
    void subgraphsNestedDeeperThanTheRecursionLimit() {
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder().setName("leaf").build();
        for (int i = 0; i < 40; i++) {
            body = OnnxMl.GraphProto.newBuilder().addNode(OnnxMl.NodeProto.newBuilder().setOpType("If").addOutput("o")
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                            .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body))).build();
        }
        OnnxMl.GraphProto deep = body;
        refused(g -> g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("If").addInput("x").addOutput("o")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                        .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(deep))))
                .hasMessage("m.onnx nests subgraphs deeper than vitshrink accepts (64 levels)");
    }

    @Test
    void externalLocationThatIsNoPath(@TempDir Path dir) throws IOException {
        OnnxMl.ModelProto.Builder m = mlp();
        OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
        g.setInitializer(1, g.getInitializer(1).toBuilder().clearRawData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("b\u0000.bin")));
        Path file = Files.write(dir.resolve("m.onnx"), m.build().toByteArray());
        assertThatThrownBy(() -> ModelIO.load(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("tensor 'b'").hasMessageContaining("not a valid path");
    }

    /** Found as a 10 s "slow unit": naming 20 000 same-named nodes apart was quadratic. */
    @Test
    @Timeout(20)
    void manyNodesOfOneNameLoadInLinearTime() {
        OnnxMl.ModelProto.Builder m = mlp();
        OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
        String v = "z";
        for (int i = 0; i < 50_000; i++) {
            g.addNode(OnnxMl.NodeProto.newBuilder().setName("same").setOpType("Identity").addInput(v).addOutput("i" + i));
            v = "i" + i;
        }
        g.setNode(2, g.getNode(2).toBuilder().setInput(0, v));
        Model model = ModelIO.fromBytes(m.build().toByteArray(), "m.onnx");
        List<String> names = model.graph().nodes().stream().map(Node::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains("same", "same_1", "same_49999");
    }
}
