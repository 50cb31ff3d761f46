package io.vitshrink.onnx.io;

import static io.vitshrink.onnx.io.IoFixtures.snapshot;
import static io.vitshrink.onnx.io.IoFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.TinyModels;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors stored beside the model: round trip, and every way a location can be unsafe or wrong. */
class ExternalDataTest {
    static final int IN = 64;
    static final int OUT = 32; // W is 8 KiB (external), b is 128 bytes (inline)
    static final int BATCH = 2;

    @TempDir
    Path root;

    Path dir;
    Path model;

    @BeforeEach
    void saveWithExternalData() {
        dir = root.resolve("models");
        model = dir.resolve("model.onnx");
        ModelIO.save(TinyModels.mlp(IN, OUT), model, SaveOptions.withExternalData());
    }

    private static String q(Path p) {
        return "'" + p + "'";
    }

    private OnnxMl.ModelProto savedProto() throws IOException {
        return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
    }

    /** Rewrites the external_data entries of W in the saved model file. */
    private void editW(UnaryOperator<OnnxMl.TensorProto.Builder> edit) throws IOException {
        OnnxMl.ModelProto.Builder b = savedProto().toBuilder();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("W")) {
                g.setInitializer(i, edit.apply(g.getInitializer(i).toBuilder()));
            }
        }
        write(model, b.build());
    }

    private void setLocation(String location) throws IOException {
        editW(t -> {
            for (int i = 0; i < t.getExternalDataCount(); i++) {
                if (t.getExternalData(i).getKey().equals("location")) {
                    t.setExternalData(i, t.getExternalData(i).toBuilder().setValue(location));
                }
            }
            return t;
        });
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused() {
        Map<String, String> before = snapshot(root);
        AbstractThrowableAssert<?, ? extends Throwable> a = assertThatThrownBy(() -> ModelIO.load(model))
                .isInstanceOf(UserException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(snapshot(root)).isEqualTo(before);
        return a;
    }

    @Test
    void savesLargeTensorsBesideTheModelAndLoadsThemBack() throws IOException {
        Path data = dir.resolve("model.onnx.data");
        assertThat(data).exists();
        assertThat(Files.size(data)).isGreaterThanOrEqualTo(IN * OUT * 4L);
        assertThat(Files.size(model)).isLessThan(IN * OUT * 4L);
        OnnxMl.TensorProto w = savedProto().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("W")).findFirst().orElseThrow();
        assertThat(w.getDataLocation()).isEqualTo(OnnxMl.TensorProto.DataLocation.EXTERNAL);
        assertThat(w.getExternalDataList()).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualTo("location");
            assertThat(e.getValue()).isEqualTo("model.onnx.data");
        });
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.onnx", "model.onnx.data");
        }

        Model original = TinyModels.mlp(IN, OUT);
        Model loaded = ModelIO.load(model);
        assertThat(loaded.graph().initializers().keySet()).containsExactlyInAnyOrder("W", "b");
        for (String name : original.graph().initializers().keySet()) {
            Tensor a = original.graph().initializer(name).orElseThrow();
            Tensor b = loaded.graph().initializer(name).orElseThrow();
            assertThat(b.dims()).containsExactly(a.dims());
            assertThat(b.rawBytes()).isEqualTo(a.rawBytes());
        }
        // the in-memory form of a model loaded from external data is a self-contained model
        assertThat(ModelIO.toBytes(loaded)).isEqualTo(ModelIO.toBytes(original));
    }

    @Test
    void onnxRuntimeRunsTheSavedFileLikeTheInMemoryModel() {
        float[] x = TinyModels.input(BATCH, IN);
        Map<String, Tensor> feed = Map.of("x", Tensor.ofFloats("x", new long[] {BATCH, IN}, x));
        float[] fromFile;
        float[] fromMemory;
        try (Runner r = Runner.open(model, RunnerOptions.defaults())) {
            fromFile = r.run(feed).get("y").toFloats();
        }
        try (Runner r = Runner.open(ModelIO.load(model), RunnerOptions.defaults())) {
            fromMemory = r.run(feed).get("y").toFloats();
        }
        assertThat(fromFile).containsExactly(fromMemory);
        float[] expected = TinyModels.reference(x, BATCH, IN, OUT);
        for (int i = 0; i < expected.length; i++) {
            assertThat(fromFile[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void dotDotEscapingTheFolderIsRefused() throws IOException {
        Files.copy(dir.resolve("model.onnx.data"), root.resolve("stolen.data"));
        setLocation("../stolen.data");
        refused().hasMessage(q(model) + ": tensor 'W' points to external data '../stolen.data' outside the model's "
                + "folder; only files inside it are read");
    }

    @Test
    void dotDotThatStaysInsideIsRead() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        setLocation("sub/../model.onnx.data");
        assertThat(ModelIO.load(model).graph().initializer("W")).isPresent();
    }

    @Test
    void absolutePathIsRefused() throws IOException {
        Path abs = dir.resolve("model.onnx.data").toAbsolutePath();
        setLocation(abs.toString());
        refused().hasMessage(q(model) + ": tensor 'W' points to external data at absolute path '" + abs
                + "'; only files inside the model's folder are read");
    }

    @Test
    void symbolicLinkLeadingOutsideIsRefused() throws IOException {
        Path outside = Files.copy(dir.resolve("model.onnx.data"), root.resolve("outside.data"));
        Path link = dir.resolve("link.data");
        try {
            Files.createSymbolicLink(link, outside);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "the file system refuses symbolic links: " + e);
        }
        setLocation("link.data");
        refused().hasMessage(q(model) + ": external data file 'link.data' is a link that leads outside the model's "
                + "folder; only files inside it are read");
    }

    @Test
    void symbolicLinkedFolderLeadingOutsideIsRefused() throws IOException {
        Path outsideDir = Files.createDirectory(root.resolve("elsewhere"));
        Files.copy(dir.resolve("model.onnx.data"), outsideDir.resolve("w.data"));
        try {
            Files.createSymbolicLink(dir.resolve("weights"), outsideDir);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "the file system refuses symbolic links: " + e);
        }
        setLocation("weights/w.data");
        refused().hasMessage(q(model) + ": external data file 'weights/w.data' is a link that leads outside the "
                + "model's folder; only files inside it are read");
    }

    @Test
    void symbolicLinkStayingInsideIsRead() throws IOException {
        try {
            Files.createSymbolicLink(dir.resolve("alias.data"), Path.of("model.onnx.data"));
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "the file system refuses symbolic links: " + e);
        }
        setLocation("alias.data");
        assertThat(ModelIO.load(model).graph().initializer("W")).isPresent();
    }

    @Test
    void missingDataFileIsRefused() throws IOException {
        Files.delete(dir.resolve("model.onnx.data"));
        refused().hasMessage(q(model) + ": external data file 'model.onnx.data' for tensor 'W' does not exist beside "
                + "the model");
    }

    @Test
    void dataFileTooShortIsRefused() throws IOException {
        Path data = dir.resolve("model.onnx.data");
        byte[] bytes = Files.readAllBytes(data);
        Files.write(data, Arrays.copyOf(bytes, 100));
        refused().hasMessage(q(model) + ": external data file 'model.onnx.data' is too short for tensor 'W' (needs "
                + "bytes 0.." + (IN * OUT * 4) + ", file has 100)");
    }

    @Test
    void lengthEntryDisagreeingWithTheShapeIsRefused() throws IOException {
        editW(t -> {
            for (int i = 0; i < t.getExternalDataCount(); i++) {
                if (t.getExternalData(i).getKey().equals("length")) {
                    t.setExternalData(i, t.getExternalData(i).toBuilder().setValue("4"));
                }
            }
            return t;
        });
        refused().hasMessage(q(model) + ": tensor 'W' declares " + (IN * OUT * 4)
                + " bytes but its external data entry says 4");
    }

    @Test
    void externalDataIsRefusedForAModelHeldInMemory() throws IOException {
        assertThatThrownBy(() -> ModelIO.fromBytes(Files.readAllBytes(model), "upload"))
                .isInstanceOf(UserException.class)
                .hasMessage("upload: tensor 'W' is stored in external file 'model.onnx.data', but the model was not "
                        + "loaded from a file; load it by path");
    }

    @Test
    void resavingWithExternalDataNextToTheSourceIsAllowedAndRefusedOverIt() throws IOException {
        Model loaded = ModelIO.load(model);
        Map<String, String> before = snapshot(root);
        assertThatThrownBy(() -> ModelIO.save(loaded, model, SaveOptions.withExternalData()))
                .isInstanceOf(UserException.class)
                .hasMessage("refusing to overwrite the input model '" + model.toAbsolutePath().normalize()
                        + "'; choose another output path");
        assertThat(snapshot(root)).isEqualTo(before);
        Path other = dir.resolve("copy.onnx");
        ModelIO.save(loaded, other, SaveOptions.withExternalData());
        assertThat(dir.resolve("copy.onnx.data")).exists();
        assertThat(ModelIO.toBytes(ModelIO.load(other))).isEqualTo(ModelIO.toBytes(loaded));
    }
}
