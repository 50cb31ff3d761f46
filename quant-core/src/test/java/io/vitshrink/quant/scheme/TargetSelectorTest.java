package io.vitshrink.quant.scheme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetSelectorTest {
    @TempDir
    Path dir;

    private static AnalyzedModel model(ExportStyle style) {
        return AnalyzedModel.of(TinyVitBuilder.deitLike().style(style).depth(2).build(), 32);
    }

    @Test
    void timmQuantizesEveryProductIncludingBothAttentionOperands() {
        TargetSelector.Selection sel = TargetSelector.select(model(ExportStyle.TIMM), SchemePresets.get("vit-all", 8, 8));
        List<QuantTarget> w = sel.targets().stream().filter(t -> t.role() == TensorRole.WEIGHT).toList();
        List<QuantTarget> a = sel.targets().stream().filter(t -> t.role() == TensorRole.ACTIVATION).toList();
        // patch conv + (qkv, proj, fc1, fc2) × 2 + head
        assertThat(w).hasSize(10);
        // pixels + per block (qkv in, q, kᵀ, softmax, v, proj in, fc1 in, fc2 in) + head in
        assertThat(a).hasSize(1 + 2 * 8 + 1);
        assertThat(a).filteredOn(t -> t.product() == ProductRole.ATTN_SCORES).hasSize(4);
        assertThat(a).filteredOn(t -> t.product() == ProductRole.ATTN_CONTEXT).hasSize(4);
        assertThat(w).allSatisfy(t -> assertThat(t.spec().granularity()).isEqualTo(Granularity.PER_CHANNEL));
        assertThat(w).filteredOn(t -> t.product() == ProductRole.HEAD).singleElement()
                .satisfies(t -> assertThat(t.channelAxis()).isZero()); // Gemm with transB: [out, in]
        assertThat(w).filteredOn(t -> t.product() == ProductRole.QKV).allSatisfy(t -> assertThat(t.channelAxis()).isEqualTo(1));
        assertThat(sel.notes()).isEmpty();
    }

    @Test
    void huggingFaceSharesOneQuantizerForTheNormOutputReadByQKAndV() {
        TargetSelector.Selection sel = TargetSelector.select(model(ExportStyle.HUGGING_FACE), SchemePresets.get("vit-all", 8, 8));
        assertThat(sel.targets()).filteredOn(t -> t.role() == TensorRole.ACTIVATION && t.consumers().size() == 3).hasSize(2);
    }

    @Test
    void paperPresetKeepsPatchEmbeddingAndHeadAtEightBits() {
        TargetSelector.Selection sel = TargetSelector.select(model(ExportStyle.TIMM), SchemePresets.get("vit-paper", 4, 4));
        for (QuantTarget t : sel.targets()) {
            boolean edge = t.product() == ProductRole.PATCH_EMBED || t.product() == ProductRole.HEAD;
            assertThat(t.spec().bits()).as(t.tensor()).isEqualTo(edge ? 8 : 4);
        }
    }

    @Test
    void exclusionsAndTheirErrors() throws IOException {
        AnalyzedModel m = model(ExportStyle.TIMM);
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "w_bits: 6\nexclude:\n  nodes: [\"/blocks.1/*\"]\n  op_types: [Conv]\n");
        QuantScheme s = SchemeReader.read(f, 8, 8);
        assertThat(s.weightBits()).isEqualTo(6);
        TargetSelector.Selection sel = TargetSelector.select(m, s);
        assertThat(sel.targets()).noneMatch(t -> t.consumers().stream().anyMatch(c -> c.startsWith("/blocks.1/")));
        assertThat(sel.targets()).noneMatch(t -> t.product() == ProductRole.PATCH_EMBED);

        Files.writeString(f, "exclude:\n  nodes: [\"/blocks.7/*\"]\n");
        assertThatThrownBy(() -> TargetSelector.select(m, SchemeReader.read(f, 8, 8))).isInstanceOf(UserException.class)
                .hasMessageContaining("'/blocks.7/*'").hasMessageContaining("no node");
        Files.writeString(f, "exclude:\n  blocks: [5]\n");
        assertThatThrownBy(() -> TargetSelector.select(m, SchemeReader.read(f, 8, 8)))
                .hasMessageContaining("block 5").hasMessageContaining("2 recognized blocks");
        Files.writeString(f, "w_bitz: 4\n");
        assertThatThrownBy(() -> SchemeReader.read(f, 8, 8)).hasMessageContaining("unknown key 'w_bitz'");
        Files.writeString(f, "w_bits: 12\n");
        assertThatThrownBy(() -> SchemeReader.read(f, 8, 8)).hasMessageContaining("'w_bits' must be between 2 and 8, not 12");
    }
}
