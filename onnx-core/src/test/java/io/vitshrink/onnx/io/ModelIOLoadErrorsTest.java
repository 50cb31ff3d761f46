package io.vitshrink.onnx.io;

import static io.vitshrink.onnx.io.IoFixtures.proto;
import static io.vitshrink.onnx.io.IoFixtures.snapshot;
import static io.vitshrink.onnx.io.IoFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.TinyModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a model file can be bad ends in one clear line naming the file, and nothing is written. */
class ModelIOLoadErrorsTest {

    @TempDir
    Path dir;

    private static String q(Path p) {
        return "'" + p + "'";
    }

    /** Loads, expects a one-line UserException, and checks that the folder is byte-for-byte unchanged. */
    private AbstractThrowableAssert<?, ? extends Throwable> refused(Path file) {
        Map<String, String> before = snapshot(dir);
        AbstractThrowableAssert<?, ? extends Throwable> a = assertThatThrownBy(() -> ModelIO.load(file))
                .isInstanceOf(UserException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
        assertThat(snapshot(dir)).as("the folder after a failed load").isEqualTo(before);
        return a;
    }

    private OnnxMl.ModelProto.Builder good() {
        return proto(TinyModels.mlp()).toBuilder();
    }

    @Test
    void aValidModelLoadsAndLeavesTheFileAlone() throws IOException {
        Path f = write(dir.resolve("model.onnx"), good().build());
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        Map<String, String> before = snapshot(dir);
        Model m = ModelIO.load(f);
        assertThat(m.graph().nodes()).extracting(n -> n.name()).containsExactly("matmul", "add", "relu");
        assertThat(m.source()).contains(f.toAbsolutePath().normalize());
        assertThat(snapshot(dir)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(f).toMillis()).isEqualTo(1_600_000_000_000L);
    }

    @Test
    void missingPath() {
        Path f = dir.resolve("nope.onnx");
        refused(f).hasMessage("model file " + q(f) + " does not exist");
        assertThat(f).doesNotExist();
    }

    @Test
    void folder() throws IOException {
        Path f = Files.createDirectory(dir.resolve("model.onnx"));
        refused(f).hasMessage(q(f) + " is a folder, not an ONNX model file");
    }

    @Test
    void zeroByteFile() {
        Path f = write(dir.resolve("empty.onnx"), new byte[0]);
        refused(f).hasMessage(q(f) + " is empty (0 bytes), not an ONNX model");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hello world\n",
        "name,score\nalpha,1\nbeta,2\n",
        "{\"model\": \"vit\", \"layers\": 12}\n",
        "#!/bin/sh\necho hello\n",
        "import onnx\nmodel = onnx.load('x.onnx')\n",
        "\n",
    })
    void textFile(String text) {
        Path f = write(dir.resolve("notes.onnx"), text.getBytes(StandardCharsets.UTF_8));
        refused(f).message().startsWith(q(f) + " is not an ONNX model");
    }

    @Test
    void truncatedInHalf() {
        byte[] bytes = good().build().toByteArray();
        Path f = write(dir.resolve("half.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
        refused(f).hasMessage(q(f) + " is truncated: the file ends in the middle of the ONNX data ("
                + bytes.length / 2 + " bytes); download or export it again");
    }

    @Test
    void truncatedAFewBytesShort() {
        byte[] bytes = good().build().toByteArray();
        for (int cut = 1; cut <= 12; cut++) {
            Path f = write(dir.resolve("short" + cut + ".onnx"), Arrays.copyOf(bytes, bytes.length - cut));
            refused(f).as("cut %d bytes", cut).message().startsWith(q(f) + " ");
        }
        // a cut inside the last field is reported as truncation
        Path f = write(dir.resolve("short.onnx"), Arrays.copyOf(bytes, bytes.length - 2));
        refused(f).hasMessageContaining(" is truncated: ");
        // a cut right before the last field (opset_import) still parses: the missing opset gives it away
        int opsetField = OnnxMl.ModelProto.newBuilder().addAllOpsetImport(good().getOpsetImportList()).build()
                .getSerializedSize();
        Path g = write(dir.resolve("no-opset.onnx"), Arrays.copyOf(bytes, bytes.length - opsetField));
        refused(g).hasMessage(q(g) + " uses ONNX operators but imports no ONNX opset; the file may be truncated or "
                + "damaged, export it again");
    }

    @Test
    void irVersionNewerThan13() {
        Path f = write(dir.resolve("ir14.onnx"), good().setIrVersion(14).build());
        refused(f).hasMessage(q(f) + " uses ONNX IR version 14, newer than supported (at most 13); "
                + "export it with an older ONNX");
    }

    @Test
    void opsetNewerThan26() {
        OnnxMl.ModelProto.Builder b = good().clearOpsetImport()
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(27));
        Path f = write(dir.resolve("opset27.onnx"), b.build());
        refused(f).hasMessage(q(f) + " uses opset 27, newer than supported (at most 26); export it with a lower opset");
    }

    @Test
    void opsetSpelledAiOnnxIsTheDefaultDomain() {
        OnnxMl.ModelProto.Builder b = good().clearOpsetImport()
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(27));
        Path f = write(dir.resolve("opset27.onnx"), b.build());
        refused(f).hasMessageContaining("uses opset 27, newer than supported");
    }

    @Test
    void nodeReadsAMissingInitializer() {
        OnnxMl.ModelProto.Builder b = good();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("W")) {
                g.removeInitializer(i);
                break;
            }
        }
        Path f = write(dir.resolve("model.onnx"), b.build());
        refused(f).hasMessage(q(f) + ": node 'matmul' (MatMul) reads 'W', which no graph input, initializer or node "
                + "provides (missing initializer?)");
    }

    @Test
    void graphOutputThatNoNodeProduces() {
        OnnxMl.ModelProto.Builder b = good();
        b.getGraphBuilder().addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("ghost"));
        Path f = write(dir.resolve("model.onnx"), b.build());
        refused(f).hasMessage(q(f) + ": graph output 'ghost' is produced by no node");
    }

    private OnnxMl.ModelProto.Builder withW(java.util.function.UnaryOperator<OnnxMl.TensorProto.Builder> edit) {
        OnnxMl.ModelProto.Builder b = good();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("W")) {
                g.setInitializer(i, edit.apply(g.getInitializer(i).toBuilder()));
            }
        }
        return b;
    }

    @Test
    void dimsDisagreeWithRawDataLength() {
        Path f = write(dir.resolve("model.onnx"), withW(t -> t.clearDims().addDims(4).addDims(4)).build());
        refused(f).hasMessage(q(f) + ": tensor 'W' declares shape [4, 4] of FLOAT (64 bytes) but holds 48 bytes");
    }

    @Test
    void rawDataCutShort() {
        Path f = write(dir.resolve("model.onnx"),
                withW(t -> t.setRawData(t.getRawData().substring(0, 44))).build());
        refused(f).hasMessage(q(f) + ": tensor 'W' declares shape [4, 3] of FLOAT (48 bytes) but holds 44 bytes");
    }

    @Test
    void dimsDisagreeWithTypedData() {
        Path f = write(dir.resolve("model.onnx"), withW(t -> t.clearRawData()
                .addAllFloatData(java.util.List.of(1f, 2f, 3f))).build());
        refused(f).hasMessage(q(f) + ": tensor 'W' declares 12 elements but holds 3");
    }

    @Test
    void negativeDims() {
        Path f = write(dir.resolve("model.onnx"), withW(t -> t.clearDims().addDims(-4).addDims(-3)).build());
        refused(f).hasMessage(q(f) + ": tensor 'W' has a negative dimension -4");
    }

    @Test
    void dimsWhoseProductOverflows() {
        Path f = write(dir.resolve("model.onnx"),
                withW(t -> t.clearDims().addDims(1L << 40).addDims(1L << 40)).build());
        refused(f).hasMessage(q(f) + ": tensor 'W' has absurd dimensions (element count overflows)");
    }

    @Test
    void dimsWhoseByteCountOverflowsWithEmptyData() {
        // 2^62 elements fit a long, their byte count does not: must not wrap round to an "empty" tensor
        Path f = write(dir.resolve("model.onnx"),
                withW(t -> t.clearDims().addDims(1L << 31).addDims(1L << 31).setRawData(ByteString.EMPTY)).build());
        refused(f).message().startsWith(q(f) + ": tensor 'W' ").contains("absurd dimensions");
        Path g = write(dir.resolve("typed.onnx"),
                withW(t -> t.clearDims().addDims(1L << 60).clearRawData()).build());
        refused(g).message().startsWith(q(g) + ": tensor 'W' ").contains("absurd dimensions");
    }

    @Test
    void dimsOverTheTensorBudgetFailBeforeAllocating() {
        // 2^40 floats = 4 TiB: refused from the header, long before any buffer of that size
        Path f = write(dir.resolve("model.onnx"),
                withW(t -> t.clearDims().addDims(1L << 20).addDims(1L << 20).clearRawData()).build());
        refused(f).hasMessage(q(f) + ": tensor 'W' declares 1099511627776 elements (4398046511104 bytes), "
                + "over the tensor budget of 4294967296 bytes");
    }

    @Test
    void cyclicGraph() {
        OnnxMl.ModelProto.Builder b = good();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        // matmul reads the Relu's output: matmul → add → relu → matmul
        OnnxMl.NodeProto.Builder mm = g.getNodeBuilder(0);
        assertThat(mm.getName()).isEqualTo("matmul");
        mm.setInput(0, "y");
        g.clearOutput().addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("z"));
        Path f = write(dir.resolve("model.onnx"), b.build());
        refused(f).hasMessage(q(f) + ": the graph has a cycle through node 'matmul'");
    }

    @Test
    void nodeThatReadsItsOwnOutput() {
        OnnxMl.ModelProto.Builder b = good();
        b.getGraphBuilder().getNodeBuilder(2).setInput(0, "y");
        Path f = write(dir.resolve("model.onnx"), b.build());
        refused(f).hasMessage(q(f) + ": node 'relu' reads its own output 'y'");
    }

    @Test
    void fromBytesNamesTheSourceItWasGiven() {
        assertThatThrownBy(() -> ModelIO.fromBytes(new byte[0], "upload"))
                .isInstanceOf(UserException.class)
                .hasMessage("upload is empty (0 bytes), not an ONNX model");
    }
}
