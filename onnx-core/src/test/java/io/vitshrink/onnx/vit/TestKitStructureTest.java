package io.vitshrink.onnx.vit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.GeluForm;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every export style of the test kit, at both LayerNorm opsets and with every GELU form, is
 * recognized as the same ViT with the same cost: what differs is only how the graph is written.
 */
class TestKitStructureTest {

    static Stream<Arguments> plainStyles() {
        List<Arguments> args = new ArrayList<>();
        for (ExportStyle style : List.of(ExportStyle.TIMM, ExportStyle.HUGGING_FACE, ExportStyle.TORCHVISION)) {
            for (int opset : List.of(13, 17)) {
                for (GeluForm gelu : GeluForm.values()) {
                    if (gelu.minimumOpset() <= opset) {
                        args.add(Arguments.of(style, opset, gelu));
                    }
                }
            }
            args.add(Arguments.of(style, 20, GeluForm.GELU_OP));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} opset {1} {2}")
    @MethodSource("plainStyles")
    void recognizesEveryExportStyle(ExportStyle style, int opset, GeluForm gelu) {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(style).opset(opset).gelu(gelu).depth(3).width(32).heads(2)
                .imageSize(32).patchSize(8).classes(10);
        AnalyzedModel a = AnalyzedModel.of(b.build(), 32);
        VitStructure s = a.structure();

        assertThat(s.unrecognized()).as("unrecognized parts").isEmpty();
        assertThat(s.blocks()).hasSize(3);
        TransformerBlock b0 = s.blocks().get(0);
        assertThat(b0.attention().heads()).isEqualTo(2);
        assertThat(b0.attention().tokens()).isEqualTo(17);
        assertThat(b0.attention().headDim()).isEqualTo(16);
        assertThat(b0.attention().fusedQkv()).isEqualTo(style != ExportStyle.HUGGING_FACE);
        assertThat(b0.mlp().hiddenFeatures()).isEqualTo(128);
        assertThat(b0.norm1().decomposed()).isEqualTo(opset < 17);
        Activation.Kind expectedAct = switch (gelu) {
            case ERF -> Activation.Kind.GELU_ERF;
            case TANH -> Activation.Kind.GELU_TANH;
            case GELU_OP -> Activation.Kind.GELU_OP;
        };
        assertThat(b0.mlp().activation().kind()).isEqualTo(expectedAct);
        assertThat(s.embedding().patchSize()).isEqualTo(8);
        assertThat(s.embedding().classToken()).isNotNull();
        assertThat(s.embedding().positionEmbedding()).isNotNull();
        assertThat(s.head().head().outFeatures()).isEqualTo(10);
        assertThat(s.head().pooling()).isEqualTo(ClassifierHead.Pooling.CLASS_TOKEN);

        ModelCost cost = a.cost();
        long d = 32;
        long n = 17;
        long expectedParams = 3 * 8 * 8 * d + d + d + n * d + 3 * (4 * d + d * 3 * d + 3 * d + d * d + d + 2 * d * 4 * d + 4 * d + d)
                + 2 * d + d * 10 + 10;
        assertThat(cost.params()).isEqualTo(expectedParams);
        long blockMacs = n * d * 3 * d + n * d * d + 2 * n * d * 4 * d + 2 * 2 * n * n * 16;
        long expectedMacs = 16 * d * 3 * 64 + 3 * blockMacs + d * 10;
        assertThat(cost.macs()).isEqualTo(expectedMacs);
        for (TransformerBlock blk : s.blocks()) {
            assertThat(cost.subtotal(blk.nodes()).macs()).isEqualTo(blockMacs);
        }
    }

    @Test
    void recognizesAttentionAndMlpsOfAHierarchicalSwinLikeModel() {
        AnalyzedModel a = AnalyzedModel.of(TinyVitBuilder.deitLike().style(ExportStyle.SWIN_LIKE).build(), 32);
        VitStructure s = a.structure();
        assertThat(s.blocks()).isNotEmpty();
        assertThat(s.isHierarchical()).isTrue();
        assertThat(s.blocks()).allSatisfy(b -> {
            assertThat(b.attention().positionBias()).isTrue();
            assertThat(b.mlp().activation().kind()).isNotNull();
        });
        assertThat(s.unrecognized()).as("unrecognized parts").isEmpty();
    }
}
