package io.vitshrink.onnx.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every export style, opset and GELU form: the model saves, loads back through ModelIO, runs in ONNX
 * Runtime at batch 1 and 3 through its dynamic batch dimension, and gives the reference logits.
 *
 * <p>Tolerance: 1e-4 absolute. The logits are O(1–5); ORT sums in float32 over at most 3·D = 96 (or
 * 4·D = 128) terms per output, a relative error of a few 1e-7 per layer, so 1e-4 leaves two orders of
 * magnitude of margin while still catching any wrong weight, layout or op (those move logits by 1e-2
 * or more).
 */
class TinyVitOnnxRuntimeTest {
    static final double TOLERANCE = 1e-4;
    static final List<ExportStyle> VIT_STYLES = List.of(ExportStyle.TIMM, ExportStyle.HUGGING_FACE, ExportStyle.TORCHVISION);

    @TempDir
    Path dir;

    static Stream<Arguments> opsetAndGelu() {
        return Stream.of(
                Arguments.of(13, GeluForm.ERF),
                Arguments.of(13, GeluForm.TANH),
                Arguments.of(17, GeluForm.ERF),
                Arguments.of(17, GeluForm.TANH),
                Arguments.of(20, GeluForm.GELU_OP));
    }

    static Stream<Arguments> styleOpsetGelu() {
        List<Arguments> all = new ArrayList<>();
        for (ExportStyle style : ExportStyle.values()) {
            opsetAndGelu().forEach(a -> all.add(Arguments.of(style, a.get()[0], a.get()[1])));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} opset {1} {2}")
    @MethodSource("styleOpsetGelu")
    void matchesReferenceAtBatch1And3(ExportStyle style, int opset, GeluForm gelu) throws OrtException {
        TinyVitBuilder builder = TinyVitBuilder.deitLike().style(style).opset(opset).gelu(gelu).seed(11);
        TinyVitConfig c = builder.config();
        byte[] bytes = saveAndReload(builder.build(), style + "-" + opset + "-" + gelu);
        TinyVitReference reference = builder.reference();
        try (OrtModel ort = new OrtModel(bytes)) {
            for (int batch : new int[] {1, 3}) {
                float[] pixels = SyntheticImages.batch(c, 5, batch);
                float[] actual = ort.logits(pixels, batch, c.channels(), c.imageSize());
                float[] expected = reference.logits(pixels, batch);
                assertThat(actual).hasSize(batch * c.numClasses());
                assertClose(actual, expected, style + " opset " + opset + " " + gelu + " batch " + batch);
            }
        }
    }

    @ParameterizedTest(name = "opset {0} {1}")
    @MethodSource("opsetAndGelu")
    void allVitStylesComputeTheSameFunction(int opset, GeluForm gelu) throws OrtException {
        TinyVitConfig c = TinyVitBuilder.deitLike().opset(opset).gelu(gelu).config();
        float[] pixels = SyntheticImages.batch(c, 21, 3);
        Map<ExportStyle, float[]> logits = new EnumMap<>(ExportStyle.class);
        for (ExportStyle style : VIT_STYLES) {
            byte[] bytes = ModelIO.toBytes(TinyVitBuilder.deitLike().style(style).opset(opset).gelu(gelu).build());
            try (OrtModel ort = new OrtModel(bytes)) {
                logits.put(style, ort.logits(pixels, 3, c.channels(), c.imageSize()));
            }
        }
        assertClose(logits.get(ExportStyle.HUGGING_FACE), logits.get(ExportStyle.TIMM), "HUGGING_FACE vs TIMM");
        assertClose(logits.get(ExportStyle.TORCHVISION), logits.get(ExportStyle.TIMM), "TORCHVISION vs TIMM");
    }

    @Test
    void erfGeluOperatorAndDecompositionAgree() throws OrtException {
        TinyVitConfig c = TinyVitBuilder.deitLike().config();
        float[] pixels = SyntheticImages.batch(c, 2, 2);
        byte[] decomposed = ModelIO.toBytes(TinyVitBuilder.deitLike().opset(17).gelu(GeluForm.ERF).build());
        byte[] operator = ModelIO.toBytes(TinyVitBuilder.deitLike().opset(20).gelu(GeluForm.GELU_OP).build());
        try (OrtModel a = new OrtModel(decomposed); OrtModel b = new OrtModel(operator)) {
            assertClose(a.logits(pixels, 2, 3, 32), b.logits(pixels, 2, 3, 32), "Gelu op vs Erf form");
        }
    }

    @Test
    void argmaxOfOnnxRuntimeAndReferenceAgreeOnManyImagesWithSeveralClasses() throws OrtException {
        TinyVitBuilder builder = TinyVitBuilder.deitLike().seed(3);
        TinyVitConfig c = builder.config();
        int n = 16;
        float[] pixels = SyntheticImages.batch(c, 99, n);
        float[] expected = builder.reference().logits(pixels, n);
        try (OrtModel ort = new OrtModel(builder.toBytes())) {
            float[] actual = ort.logits(pixels, n, 3, 32);
            assertClose(actual, expected, "batch 16");
            assertThat(TinyVitReference.argmax(actual, n, 10)).containsExactly(TinyVitReference.argmax(expected, n, 10));
        }
    }

    @Test
    void largerConfigurationAlsoMatches() throws OrtException {
        TinyVitBuilder builder = TinyVitBuilder.deitLike().style(ExportStyle.TORCHVISION).opset(13)
                .depth(3).width(48).heads(3).mlpRatio(2.5).imageSize(24).patchSize(4).classes(7).seed(42);
        TinyVitConfig c = builder.config();
        float[] pixels = SyntheticImages.batch(c, 1, 2);
        try (OrtModel ort = new OrtModel(builder.toBytes())) {
            assertClose(ort.logits(pixels, 2, 3, 24), builder.reference().logits(pixels, 2), "larger config");
        }
    }

    @Test
    void fixedBatchModelRunsAtBatch1() throws OrtException {
        TinyVitBuilder builder = TinyVitBuilder.deitLike().style(ExportStyle.HUGGING_FACE).fixedBatch();
        float[] pixels = SyntheticImages.batch(builder.config(), 4, 1);
        try (OrtModel ort = new OrtModel(builder.toBytes())) {
            assertClose(ort.logits(pixels, 1, 3, 32), builder.reference().logits(pixels, 1), "fixed batch");
        }
    }

    private byte[] saveAndReload(Model model, String name) {
        Path file = dir.resolve(name + ".onnx");
        ModelIO.save(model, file);
        Model loaded = ModelIO.load(file);
        assertThat(loaded.graph().nodes()).hasSameSizeAs(model.graph().nodes());
        assertThat(loaded.graph().initializers().keySet()).containsExactlyElementsOf(model.graph().initializers().keySet());
        return ModelIO.toBytes(loaded);
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as(what + " [" + i + "]").isCloseTo(expected[i], within(TOLERANCE));
        }
    }
}
