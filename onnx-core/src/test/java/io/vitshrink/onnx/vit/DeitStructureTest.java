package io.vitshrink.onnx.vit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.SharedData;
import io.vitshrink.onnx.cost.CostModel;
import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.shape.ValueShapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real DeiT-Tiny, at opset 13 (decomposed LayerNorm) and 17, is recognized and costed alike. */
class DeitStructureTest {

    @ParameterizedTest
    @ValueSource(strings = {"deit_tiny_patch16_224_in1k.onnx", "deit_tiny_patch16_224_in1k_opset13.onnx"})
    void recognizesTwelveBlocksAndCountsCost(String file) {
        Model model = ModelIO.load(SharedData.require("models/deit-tiny/" + file));
        ValueShapes shapes = new ShapeProbe().probe(model);
        VitStructure s = VitRecognizer.recognize(model, shapes);

        assertThat(s.blocks()).hasSize(12);
        assertThat(s.unrecognized()).isEmpty();
        TransformerBlock b0 = s.blocks().get(0);
        assertThat(b0.attention().fusedQkv()).isTrue();
        assertThat(b0.attention().heads()).isEqualTo(3);
        assertThat(b0.attention().tokens()).isEqualTo(197);
        assertThat(b0.attention().headDim()).isEqualTo(64);
        assertThat(b0.attention().q().outFeatures()).isEqualTo(576);
        assertThat(b0.attention().proj().outFeatures()).isEqualTo(192);
        assertThat(b0.attention().scaleNode()).isNotNull();
        assertThat(b0.mlp().hiddenFeatures()).isEqualTo(768);
        assertThat(b0.mlp().activation().kind()).isEqualTo(Activation.Kind.GELU_ERF);
        assertThat(b0.norm1().decomposed()).isEqualTo(file.contains("opset13"));
        assertThat(s.embedding().patchSize()).isEqualTo(16);
        assertThat(s.embedding().tokens()).isEqualTo(197);
        assertThat(s.embedding().width()).isEqualTo(192);
        assertThat(s.embedding().classToken()).isEqualTo("cls_token");
        assertThat(s.embedding().positionEmbedding()).isEqualTo("pos_embed");
        assertThat(s.head().pooling()).isEqualTo(ClassifierHead.Pooling.CLASS_TOKEN);
        assertThat(s.head().head().outFeatures()).isEqualTo(1000);
        assertThat(s.head().finalNorm()).isNotNull();
        for (int i = 1; i < 12; i++) {
            assertThat(s.blocks().get(i).input()).isEqualTo(s.blocks().get(i - 1).output());
        }

        ModelCost cost = CostModel.of(model, shapes);
        assertThat(cost.params()).isEqualTo(5_717_416L);
        assertThat(cost.macs()).isBetween(1_200_000_000L, 1_300_000_000L);
        // every block of DeiT-Tiny has the same cost: qkv + proj + fc1 + fc2 + two attention products
        long expectedBlockMacs = 197L * 192 * 576 + 197L * 192 * 192 + 2 * 197L * 192 * 768 + 2 * 3L * 197 * 197 * 64;
        for (TransformerBlock b : s.blocks()) {
            ModelCost.Subtotal sub = cost.subtotal(b.nodes());
            assertThat(sub.macs()).isEqualTo(expectedBlockMacs);
            assertThat(sub.params()).isEqualTo(4L * 192 + 192 * 576 + 576 + 192 * 192 + 192 + 192 * 768 + 768 + 768 * 192 + 192);
        }
    }
}
