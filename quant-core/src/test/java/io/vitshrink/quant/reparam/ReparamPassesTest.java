package io.vitshrink.quant.reparam;

import static io.vitshrink.quant.reparam.ReparamFixtures.bytes;
import static io.vitshrink.quant.reparam.ReparamFixtures.config;
import static io.vitshrink.quant.reparam.ReparamFixtures.logits;
import static io.vitshrink.quant.reparam.ReparamFixtures.normOutputs;
import static io.vitshrink.quant.reparam.ReparamFixtures.relativeError;
import static io.vitshrink.quant.reparam.ReparamFixtures.spread;
import static io.vitshrink.quant.reparam.ReparamFixtures.stats;
import static io.vitshrink.quant.reparam.ReparamFixtures.structure;
import static io.vitshrink.quant.reparam.ReparamFixtures.withOutlierChannels;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both passes on every plain export style: the float function is unchanged in ONNX Runtime, the
 * post-LayerNorm channels are equalized, the returned description replays bit for bit, and the input
 * model is untouched.
 */
class ReparamPassesTest {

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        Object[][] styles = {{ExportStyle.TIMM, 17}, {ExportStyle.HUGGING_FACE, 13}, {ExportStyle.TORCHVISION, 17},
                {ExportStyle.TIMM, 13}};
        for (Object[] s : styles) {
            args.add(Arguments.of(s[0], s[1], "repq"));
            args.add(Arguments.of(s[0], s[1], "smoothquant"));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{2} on {0} opset {1}")
    @MethodSource("cases")
    void keepsTheFunctionEqualizesChannelsAndReplays(ExportStyle style, int opset, String pass) {
        TinyVitConfig c = config(style, opset);
        Model model = withOutlierChannels(TinyVitBuilder.build(c));
        VitStructure s = structure(model);
        List<String> norms = normOutputs(s);
        Map<String, ChannelRange> before = stats(model, c, norms);
        byte[] inputBytes = bytes(model);

        ReparamResult r = pass.equals("repq") ? RepQVitReparam.run(model, s, before)
                : SmoothQuantReparam.run(model, s, before);

        // every block norm reparameterized, with the Linears that read it
        assertThat(r.skipped()).isEmpty();
        assertThat(r.applied()).extracting(Reparameterization::norm).containsExactlyElementsOf(norms);
        for (TransformerBlock b : s.blocks()) {
            Reparameterization n1 = r.applied().get(2 * b.index());
            Reparameterization n2 = r.applied().get(2 * b.index() + 1);
            List<String> qkv = b.attention().fusedQkv() ? List.of(b.attention().q().name())
                    : List.of(b.attention().q().name(), b.attention().k().name(), b.attention().v().name());
            assertThat(n1.linears()).containsExactlyInAnyOrderElementsOf(qkv);
            assertThat(n2.linears()).containsExactly(b.mlp().fc1().name());
            assertThat(n1.kind()).isEqualTo(pass.equals("repq") ? Reparameterization.REPQ_VIT : Reparameterization.SMOOTHQUANT);
        }

        // the float function is unchanged
        for (int batch : new int[] {1, 3}) {
            assertThat(relativeError(logits(model, c, batch), logits(r.model(), c, batch)))
                    .as("relative logit change at batch %d", batch).isLessThanOrEqualTo(1e-4);
        }

        // the post-LayerNorm channels are equalized
        Map<String, ChannelRange> after = stats(r.model(), c, norms);
        for (String norm : norms) {
            ChannelRange old = before.get(norm);
            ChannelRange now = after.get(norm);
            if (pass.equals("repq")) {
                assertThat(spread(old.width())).as("old width spread of %s", norm).isGreaterThan(5);
                assertThat(spread(now.width())).as("new width spread of %s", norm).isLessThan(1.01);
            } else {
                assertThat(spread(now.absMax())).as("absmax spread of %s", norm)
                        .isLessThan(0.5 * spread(old.absMax()));
            }
        }

        // the description replays bit for bit on the input model, which is untouched
        Model replayed = Reparameterizations.apply(model, s, r.applied());
        assertThat(bytes(replayed)).isEqualTo(bytes(r.model()));
        assertThat(replayed.graph().initializers().keySet())
                .containsExactlyElementsOf(r.model().graph().initializers().keySet());
        for (Map.Entry<String, Tensor> e : r.model().graph().initializers().entrySet()) {
            assertThat(replayed.graph().initializer(e.getKey()).orElseThrow().rawBytes())
                    .as(e.getKey()).isEqualTo(e.getValue().rawBytes());
        }
        assertThat(bytes(model)).isEqualTo(inputBytes);

        // the result is still recognized the same way
        VitStructure again = structure(r.model());
        assertThat(again.blocks()).hasSize(s.blocks().size());
        assertThat(again.blocks().get(0).norm1().output()).isEqualTo(s.blocks().get(0).norm1().output());
    }
}

