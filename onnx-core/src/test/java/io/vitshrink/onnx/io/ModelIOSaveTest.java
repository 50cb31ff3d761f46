package io.vitshrink.onnx.io;

import static io.vitshrink.onnx.io.IoFixtures.assertNoTempFiles;
import static io.vitshrink.onnx.io.IoFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.TinyModels;
import io.vitshrink.onnx.model.ValueInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving: a lossless round trip, atomic writes, and never over the input model. */
class ModelIOSaveTest {

    @TempDir
    Path dir;

    // ---- round trip ----------------------------------------------------------------------------

    static Model richModel() {
        Graph g = new Graph("rich");
        g.setDocString("a graph with one of everything");
        g.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(4))));
        g.addInput(new ValueInfo("mask", DataType.INT64, List.of(Dim.UNKNOWN)));
        g.addOutput(new ValueInfo("y", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(3))));
        g.addOutput(new ValueInfo("c_out", DataType.UNDEFINED, null));
        g.putValueInfo(new ValueInfo("h", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(3))));

        g.putInitializer(Tensor.ofFloats("W", new long[] {4, 3}, TinyModels.weights(4, 3)));
        g.putInitializer(Tensor.ofFloats("b", new long[] {3}, TinyModels.bias(3)));
        g.putInitializer(Tensor.ofLongs("idx", new long[] {3}, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}));
        g.putInitializer(Tensor.ofSmallInts("q8", DataType.INT8, new long[] {5}, new int[] {-128, -1, 0, 1, 127}));
        g.putInitializer(Tensor.ofSmallInts("u8", DataType.UINT8, new long[] {2, 2}, new int[] {0, 1, 128, 255}));
        g.putInitializer(Tensor.ofSmallInts("w4", DataType.INT4, new long[] {5}, new int[] {-8, -1, 0, 3, 7}));
        g.putInitializer(Tensor.ofSmallInts("u4", DataType.UINT4, new long[] {2, 2}, new int[] {0, 15, 9, 1}));
        g.putInitializer(Tensor.ofRaw("half", DataType.FLOAT16, new long[] {2}, new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0}));
        g.putInitializer(Tensor.ofInts("i32", new long[] {2}, new int[] {-5, 1 << 30}));
        g.putInitializer(Tensor.scalar("s", 2.5f));
        g.putInitializer(Tensor.ofRaw("empty", DataType.FLOAT, new long[] {0, 3}, new byte[0]));

        g.addNode(new Node("matmul", "MatMul", List.of("x", "W"), List.of("h")));
        g.addNode(new Node("add", "Add", List.of("h", "b"), List.of("y")));
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        attrs.put("i", Attribute.of("i", -7L));
        attrs.put("f", Attribute.of("f", 0.5f));
        attrs.put("str", Attribute.of("str", "héllo ✓"));
        attrs.put("ints", Attribute.ofInts("ints", 1, -2, Long.MAX_VALUE));
        attrs.put("floats", Attribute.ofFloats("floats", 0.25f, -1.5f, Float.MIN_VALUE));
        attrs.put("strings", Attribute.ofStrings("strings", List.of("a", "", "ç")));
        attrs.put("t", Attribute.of("t", Tensor.ofFloats("", new long[] {2}, new float[] {1, 2})));
        attrs.put("g", new Attribute("g", Attribute.Kind.GRAPH, graphAttribute("g").toByteArray()));
        attrs.put("other", new Attribute("other", Attribute.Kind.OTHER, tensorsAttribute("other").toByteArray()));
        Node custom = new Node("custom", "Mix", "test.ops",
                List.of("y", "", "idx", "q8", "u8", "w4", "u4", "half", "i32", "s", "empty", "mask"),
                List.of("c_out", ""), attrs);
        custom.setDocString("a custom op");
        g.addNode(custom);

        Map<String, Long> opsets = new LinkedHashMap<>();
        opsets.put("", 17L);
        opsets.put("test.ops", 1L);
        opsets.put("com.microsoft", 1L);
        Model m = new Model(8, opsets, g);
        m.setProducer("vitshrink-test", "0.1");
        m.setDomain("io.vitshrink.test");
        m.setModelVersion(42);
        m.setDocString("round trip fixture");
        m.putMetadata("vitshrink.plan", "{\"bits\": 4}");
        m.putMetadata("author", "somebody");
        m.setOpaqueExtras(OnnxMl.ModelProto.newBuilder()
                .addFunctions(OnnxMl.FunctionProto.newBuilder().setName("Twice").setDomain("test.ops")
                        .addInput("a").addOutput("b")
                        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("a").addInput("a").addOutput("b"))
                        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)))
                .build().toByteArray());
        return m;
    }

    static OnnxMl.AttributeProto graphAttribute(String name) {
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder().setName("body")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("y").addOutput("then_out"))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("then_out"))
                .build();
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.GRAPH)
                .setG(body).build();
    }

    static OnnxMl.AttributeProto tensorsAttribute(String name) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.TENSORS)
                .addTensors(OnnxMl.TensorProto.newBuilder().setName("t0").setDataType(1).addDims(1).addFloatData(3f))
                .build();
    }

    static void assertSameModel(Model actual, Model expected) {
        assertThat(actual.irVersion()).isEqualTo(expected.irVersion());
        assertThat(actual.opsets()).containsExactlyEntriesOf(expected.opsets());
        assertThat(actual.metadata()).containsExactlyEntriesOf(expected.metadata());
        assertThat(actual.producerName()).isEqualTo(expected.producerName());
        assertThat(actual.producerVersion()).isEqualTo(expected.producerVersion());
        assertThat(actual.domain()).isEqualTo(expected.domain());
        assertThat(actual.modelVersion()).isEqualTo(expected.modelVersion());
        assertThat(actual.docString()).isEqualTo(expected.docString());
        assertThat(parse(actual.opaqueExtras())).isEqualTo(parse(expected.opaqueExtras()));
        Graph a = actual.graph();
        Graph e = expected.graph();
        assertThat(a.name()).isEqualTo(e.name());
        assertThat(a.docString()).isEqualTo(e.docString());
        assertThat(a.inputs()).isEqualTo(e.inputs());
        assertThat(a.outputs()).isEqualTo(e.outputs());
        assertThat(a.valueInfos()).isEqualTo(e.valueInfos());
        assertThat(a.initializers().keySet()).containsExactlyElementsOf(e.initializers().keySet());
        for (Tensor t : e.initializers().values()) {
            assertSameTensor(a.initializer(t.name()).orElseThrow(), t);
        }
        assertThat(a.nodes()).hasSameSizeAs(e.nodes());
        for (int i = 0; i < e.nodes().size(); i++) {
            Node an = a.nodes().get(i);
            Node en = e.nodes().get(i);
            assertThat(an.name()).isEqualTo(en.name());
            assertThat(an.opType()).isEqualTo(en.opType());
            assertThat(an.domain()).isEqualTo(en.domain());
            assertThat(an.inputs()).isEqualTo(en.inputs());
            assertThat(an.outputs()).isEqualTo(en.outputs());
            assertThat(an.docString()).isEqualTo(en.docString());
            assertThat(an.attributes().keySet()).containsExactlyElementsOf(en.attributes().keySet());
            for (Attribute ea : en.attributes().values()) {
                assertSameAttribute(an.attributes().get(ea.name()), ea);
            }
        }
    }

    static void assertSameTensor(Tensor actual, Tensor expected) {
        assertThat(actual.name()).isEqualTo(expected.name());
        assertThat(actual.type()).as(expected.name()).isEqualTo(expected.type());
        assertThat(actual.dims()).as(expected.name()).containsExactly(expected.dims());
        assertThat(actual.rawBytes()).as(expected.name()).isEqualTo(expected.rawBytes());
    }

    static void assertSameAttribute(Attribute actual, Attribute expected) {
        assertThat(actual.name()).isEqualTo(expected.name());
        assertThat(actual.kind()).as(expected.name()).isEqualTo(expected.kind());
        switch (expected.kind()) {
            case INTS -> assertThat(actual.asLongs()).containsExactly(expected.asLongs());
            case FLOATS -> assertThat(actual.asFloats()).containsExactly(expected.asFloats());
            case TENSOR -> assertSameTensor(actual.asTensor(), expected.asTensor());
            case GRAPH, OTHER -> assertThat(parseAttr((byte[]) actual.value())).isEqualTo(parseAttr((byte[]) expected.value()));
            default -> assertThat(actual.value()).as(expected.name()).isEqualTo(expected.value());
        }
    }

    private static OnnxMl.ModelProto parse(byte[] b) {
        try {
            return OnnxMl.ModelProto.parseFrom(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static OnnxMl.AttributeProto parseAttr(byte[] b) {
        try {
            return OnnxMl.AttributeProto.parseFrom(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void roundTripPreservesEverything() throws IOException {
        Model original = richModel();
        Path first = dir.resolve("first.onnx");
        ModelIO.save(original, first);
        Model loaded = ModelIO.load(first);
        assertSameModel(loaded, original);
        assertThat(loaded.graph().initializer("w4").orElseThrow().toLongs()).containsExactly(-8, -1, 0, 3, 7);
        assertThat(loaded.graph().initializer("u4").orElseThrow().toLongs()).containsExactly(0, 15, 9, 1);
        assertThat(loaded.graph().initializer("w4").orElseThrow().rawBytes()).containsExactly(0xF8, 0x30, 0x07);
        assertThat(parse(loaded.opaqueExtras()).getFunctions(0).getName()).isEqualTo("Twice");

        // load → save → load again: the second file is byte-identical to the first
        Path second = dir.resolve("second.onnx");
        ModelIO.save(loaded, second);
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        assertSameModel(ModelIO.load(second), original);
        assertNoTempFiles(dir);
    }

    @Test
    void roundTripThroughExternalDataPreservesEverything() throws IOException {
        Model original = richModel();
        Path file = dir.resolve("ext.onnx");
        ModelIO.save(original, file, new SaveOptions(true, 1)); // every non-empty initializer goes out
        assertSameModel(ModelIO.load(file), original);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ext.onnx", "ext.onnx.data");
        }
    }

    @Test
    void typedFieldStorageIsReadLikeRawData() throws IOException {
        // exporters may write float_data / int64_data / int32_data instead of raw_data
        OnnxMl.ModelProto.Builder b = IoFixtures.proto(TinyModels.mlp()).toBuilder();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("f").setDataType(1).addDims(2)
                .addFloatData(1.5f).addFloatData(-2f));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("l").setDataType(7).addDims(2)
                .addInt64Data(-3).addInt64Data(1L << 40));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("i8").setDataType(3).addDims(3)
                .addInt32Data(-128).addInt32Data(-1).addInt32Data(127));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("u8").setDataType(2).addDims(2)
                .addInt32Data(0).addInt32Data(255));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("i4").setDataType(22).addDims(3)
                .addInt32Data(0xF8).addInt32Data(0x07)); // -8, -1, 7 packed low nibble first
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("h").setDataType(10).addDims(1)
                .addInt32Data(0x3C00));
        Path file = IoFixtures.write(dir.resolve("typed.onnx"), b.build());
        Graph loaded = ModelIO.load(file).graph();
        assertThat(loaded.initializer("f").orElseThrow().toFloats()).containsExactly(1.5f, -2f);
        assertThat(loaded.initializer("l").orElseThrow().toLongs()).containsExactly(-3, 1L << 40);
        assertThat(loaded.initializer("i8").orElseThrow().toLongs()).containsExactly(-128, -1, 127);
        assertThat(loaded.initializer("u8").orElseThrow().toLongs()).containsExactly(0, 255);
        assertThat(loaded.initializer("i4").orElseThrow().toLongs()).containsExactly(-8, -1, 7);
        assertThat(loaded.initializer("h").orElseThrow().toFloats()).containsExactly(1f);
    }

    @Test
    void savedModelRunsInOnnxRuntime() {
        Path file = dir.resolve("mlp.onnx");
        ModelIO.save(TinyModels.mlp(), file);
        float[] x = TinyModels.input(3, 4);
        try (var r = io.vitshrink.onnx.runtime.Runner.open(file, io.vitshrink.onnx.runtime.RunnerOptions.defaults())) {
            float[] y = r.run(Map.of("x", Tensor.ofFloats("x", new long[] {3, 4}, x))).get("y").toFloats();
            float[] expected = TinyModels.reference(x, 3, 4, 3);
            for (int i = 0; i < y.length; i++) {
                assertThat(y[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void nodesAreSavedInTopologicalOrder() {
        Model m = TinyModels.mlp();
        Graph g = m.graph();
        Node relu = g.node("relu").orElseThrow();
        g.removeNode(relu);
        g.addNodeAfter(null, relu); // not found → appended; move matmul last instead
        Node matmul = g.node("matmul").orElseThrow();
        g.removeNode(matmul);
        g.addNode(matmul);
        assertThat(g.nodes()).extracting(Node::name).containsExactly("add", "relu", "matmul");
        Model loaded = ModelIO.fromBytes(ModelIO.toBytes(m), "memory");
        assertThat(loaded.graph().nodes()).extracting(Node::name).containsExactly("matmul", "add", "relu");
    }

    // ---- atomic writes -------------------------------------------------------------------------

    @Test
    void successfulSaveLeavesOnlyTheModel() throws IOException {
        Path file = dir.resolve("model.onnx");
        ModelIO.save(TinyModels.mlp(), file);
        ModelIO.save(TinyModels.mlp(8, 2), file); // over an existing file too
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.onnx");
        }
        assertThat(ModelIO.load(file).graph().initializer("W").orElseThrow().dims()).containsExactly(8, 2);
    }

    @Test
    void savedFilesAreReadableByOthersLikeAnyNewFile() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.write(dir.resolve("plain.txt"), new byte[] {1});
        Path file = dir.resolve("model.onnx");
        ModelIO.save(TinyModels.mlp(), file);
        // the temporary file's owner-only mode must not leak into the saved model
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void overwritingKeepsTheModeOfTheReplacedFile() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("model.onnx");
        Files.writeString(file, "old");
        var mode = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(file, mode);
        ModelIO.save(TinyModels.mlp(), file);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(mode);
    }

    @Test
    void writerThatThrowsMidwayLeavesTheOldFileIntact() throws IOException {
        Path file = dir.resolve("model.onnx");
        Files.writeString(file, "old content");
        FileTime mtime = FileTime.fromMillis(1_600_000_000_000L);
        Files.setLastModifiedTime(file, mtime);

        assertThatThrownBy(() -> AtomicFiles.write(file, out -> {
            out.write("new cont".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("disk full");
        })).isInstanceOf(UserException.class).hasMessage("cannot write '" + file + "': disk full");
        assertThat(file).hasContent("old content");
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
        assertNoTempFiles(dir);

        assertThatThrownBy(() -> AtomicFiles.write(file, out -> {
            out.write(new byte[1 << 17]); // past the buffer, so bytes reached the temporary file
            throw new IllegalStateException("bug in a writer");
        })).isInstanceOf(IllegalStateException.class).hasMessage("bug in a writer");
        assertThat(file).hasContent("old content");
        assertNoTempFiles(dir);
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void failedFirstSaveLeavesNothing() throws IOException {
        Path file = dir.resolve("new.onnx");
        assertThatThrownBy(() -> AtomicFiles.write(file, out -> {
            throw new IOException("no space left on device");
        })).isInstanceOf(UserException.class).hasMessage("cannot write '" + file + "': no space left on device");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void savingAModelThatCannotBeSerializedLeavesNothing() throws IOException {
        Model m = TinyModels.mlp();
        Node relu = m.graph().node("relu").orElseThrow();
        m.graph().setNodeInput(relu, 0, "y"); // a self-loop: there is no order to write
        Path file = dir.resolve("model.onnx");
        Files.writeString(file, "old");
        assertThatThrownBy(() -> ModelIO.save(m, file)).isInstanceOf(IllegalStateException.class);
        assertThat(file).hasContent("old");
        assertNoTempFiles(dir);
        assertThatThrownBy(() -> ModelIO.save(m, dir.resolve("ext.onnx"), SaveOptions.withExternalData()))
                .isInstanceOf(IllegalStateException.class);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.onnx");
        }
    }

    // ---- never over the input ------------------------------------------------------------------

    private void assertRefusesToOverwrite(Model loaded, Path source, Path target, SaveOptions options) {
        Map<String, String> before = snapshot(dir);
        assertThatThrownBy(() -> ModelIO.save(loaded, target, options))
                .as("saving to %s", target)
                .isInstanceOf(UserException.class)
                .hasMessage("refusing to overwrite the input model '" + source.toAbsolutePath().normalize()
                        + "'; choose another output path");
        assertThat(snapshot(dir)).isEqualTo(before);
    }

    @Test
    void savingOverTheLoadedFileIsRefusedWhateverTheSpelling() throws IOException {
        Path source = dir.resolve("model.onnx");
        ModelIO.save(TinyModels.mlp(), source);
        Files.setLastModifiedTime(source, FileTime.fromMillis(1_600_000_000_000L));
        byte[] bytes = Files.readAllBytes(source);
        Files.createDirectory(dir.resolve("sub"));
        Model loaded = ModelIO.load(source);

        for (Path target : List.of(source, dir.resolve("./model.onnx"), dir.resolve("sub/../model.onnx"),
                dir.resolve(".").resolve("sub").resolve("..").resolve("model.onnx"))) {
            assertRefusesToOverwrite(loaded, source, target, SaveOptions.DEFAULT);
            assertRefusesToOverwrite(loaded, source, target, SaveOptions.withExternalData());
        }
        Path relative = Path.of("").toAbsolutePath().relativize(source);
        assertRefusesToOverwrite(loaded, source, relative, SaveOptions.DEFAULT);
        assertRefusesToOverwrite(loaded.copy(), source, source, SaveOptions.DEFAULT);

        Path hard = dir.resolve("hard.onnx");
        try {
            Files.createLink(hard, source);
        } catch (UnsupportedOperationException | IOException e) {
            hard = null;
        }
        if (hard != null) {
            assertRefusesToOverwrite(loaded, source, hard, SaveOptions.DEFAULT);
        }
        Path link = dir.resolve("link.onnx");
        try {
            Files.createSymbolicLink(link, source);
        } catch (UnsupportedOperationException | IOException e) {
            link = null;
        }
        if (link != null) {
            assertRefusesToOverwrite(loaded, source, link, SaveOptions.DEFAULT);
        }

        assertThat(Files.readAllBytes(source)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(source).toMillis()).isEqualTo(1_600_000_000_000L);
        assertNoTempFiles(dir);

        // elsewhere is fine, and leaves the input alone
        ModelIO.save(loaded, dir.resolve("out.onnx"));
        assertThat(Files.readAllBytes(dir.resolve("out.onnx"))).isEqualTo(bytes);
        assertThat(Files.readAllBytes(source)).isEqualTo(bytes);
    }

    @Test
    void savingOverTheLoadedFileThroughALinkedFolderIsRefused() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path source = real.resolve("model.onnx");
        ModelIO.save(TinyModels.mlp(), source);
        Path alias = dir.resolve("alias");
        try {
            Files.createSymbolicLink(alias, real);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links: " + e);
        }
        Model loaded = ModelIO.load(alias.resolve("model.onnx"));
        Map<String, String> before = snapshot(dir);
        assertThatThrownBy(() -> ModelIO.save(loaded, source)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("refusing to overwrite the input model ");
        assertThat(snapshot(dir)).isEqualTo(before);
    }

    @Test
    void aModelBuiltInMemoryMaySaveAnywhere() throws IOException {
        Path file = dir.resolve("model.onnx");
        ModelIO.save(TinyModels.mlp(), file);
        ModelIO.save(TinyModels.mlp(), file);
        assertThat(ModelIO.load(file).graph().nodes()).hasSize(3);
    }
}
