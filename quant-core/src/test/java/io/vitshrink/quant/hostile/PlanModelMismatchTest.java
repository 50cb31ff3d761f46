package io.vitshrink.quant.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import io.vitshrink.quant.reparam.Reparameterization;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A plan applied to a model it was not made for ({@code PtqPipeline.apply}, what {@code --from-plan}
 * runs): every mismatch is a {@link UserException} naming the tensor, node or LayerNorm, and the input
 * model is left as it was.
 */
class PlanModelMismatchTest {
    static final String NORM1 = "/blocks.0/norm1/LayerNormalization_output_0";
    static final String QKV = "/blocks.0/attn/qkv/MatMul";

    static Model narrow;
    static Model wide;
    static QuantPlan plain;
    static QuantPlan reparameterized;

    @BeforeAll
    static void plans() {
        narrow = HostileFixtures.vit(2, 32).build();
        wide = HostileFixtures.vit(2, 64).build();
        plain = HostileFixtures.plan(HostileFixtures.vit(2, 32), "qdq", 8, 8, PtqPipeline.Reparam.NONE);
        reparameterized = HostileFixtures.plan(HostileFixtures.vit(2, 32), "simulated", 6, 6, PtqPipeline.Reparam.REPQ);
    }

    /** Applies and expects a refusal with exactly {@code message}; the model must not change. */
    private static void refused(Model model, QuantPlan plan, String message) {
        byte[] before = ModelIO.toBytes(model);
        assertThatThrownBy(() -> PtqPipeline.apply(model, plan, false, HostileFixtures.IMAGE))
                .isInstanceOf(UserException.class).hasMessage(message);
        assertThat(ModelIO.toBytes(model)).as("the input model is not modified").isEqualTo(before);
    }

    private static QuantPlan withTensor(QuantPlan p, String tensor, UnaryOperator<TensorQuantization> change) {
        List<TensorQuantization> ts = new ArrayList<>();
        boolean found = false;
        for (TensorQuantization t : p.tensors()) {
            if (t.tensor().equals(tensor) && !found) {
                ts.add(change.apply(t));
                found = true;
            } else {
                ts.add(t);
            }
        }
        assertThat(found).as("the plan quantizes " + tensor).isTrue();
        return new QuantPlan(p.format(), p.sourceModel(), p.sourceSha256(), p.toolVersion(), p.settings(),
                p.reparameterizations(), ts);
    }

    private static QuantPlan withReparams(QuantPlan p, UnaryOperator<Reparameterization> change) {
        List<Reparameterization> rs = new ArrayList<>(p.reparameterizations());
        rs.set(0, change.apply(rs.get(0)));
        return new QuantPlan(p.format(), p.sourceModel(), p.sourceSha256(), p.toolVersion(), p.settings(), rs, p.tensors());
    }

    @Test
    void theUnchangedPlansFitTheirOwnModel() {
        assertThat(PtqPipeline.apply(narrow, plain, false, HostileFixtures.IMAGE).graph().nodes()).isNotEmpty();
        assertThat(PtqPipeline.apply(narrow, reparameterized, false, HostileFixtures.IMAGE).graph().nodes()).isNotEmpty();
        assertThat(reparameterized.reparameterizations()).extracting(Reparameterization::norm).contains(NORM1);
    }

    @Test
    void aWeightWhoseChannelCountDoesNotMatchTheScalesIsNamed() {
        refused(wide, plain, "weight 'patch_embed.proj.weight' of shape [64, 3, 8, 8] needs 64 scales per_channel on axis 0,"
                + " but the plan has 32");
    }

    @Test
    void aReparameterizationForAnotherWidthIsNamed() {
        refused(wide, reparameterized, "Linear '" + QKV + "' has 64 input features but the reparameterization of '" + NORM1
                + "' has 32 channels; was it made for another model?");
    }

    @Test
    void aTensorTheModelDoesNotHaveIsNamed() {
        QuantPlan p = withTensor(plain, "patch_embed.proj.weight",
                t -> new TensorQuantization("blocks.7.attn.qkv.weight", t.role(), t.consumers(), t.params()));
        refused(narrow, p, "the quantization plan names tensor 'blocks.7.attn.qkv.weight', which the model does not have;"
                + " was the plan made for another model?");
    }

    @Test
    void aConsumerNodeTheModelDoesNotHaveOrThatDoesNotReadTheTensorIsNamed() {
        QuantPlan ghost = withTensor(plain, "patch_embed.proj.weight",
                t -> new TensorQuantization(t.tensor(), t.role(), List.of("/blocks.7/attn/qkv/MatMul"), t.params()));
        refused(narrow, ghost, "the plan routes 'patch_embed.proj.weight' through node '/blocks.7/attn/qkv/MatMul', which the"
                + " model does not have");
        QuantPlan elsewhere = withTensor(plain, "patch_embed.proj.weight",
                t -> new TensorQuantization(t.tensor(), t.role(), List.of(QKV), t.params()));
        assertThatThrownBy(() -> PtqPipeline.apply(narrow, elsewhere, false, HostileFixtures.IMAGE))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("the plan routes 'patch_embed.proj.weight' through node '" + QKV
                        + "', but that node does not read it (it reads [");
    }

    @Test
    void aReparameterizationOfALayerNormTheModelDoesNotHaveIsNamed() {
        QuantPlan p = withReparams(reparameterized, r -> new Reparameterization(r.kind(), "/blocks.7/norm1/LayerNormalization_output_0",
                r.linears(), r.scale(), r.shift()));
        refused(narrow, p, "the reparameterization of '/blocks.7/norm1/LayerNormalization_output_0' names no LayerNorm of the"
                + " model's transformer blocks; was it made for another model?");
        QuantPlan otherLinears = withReparams(reparameterized, r -> new Reparameterization(r.kind(), r.norm(),
                List.of("/blocks.0/mlp/fc1/MatMul"), r.scale(), r.shift()));
        refused(narrow, otherLinears, "'" + NORM1 + "' is read by the Linears [" + QKV + "] but the reparameterization names"
                + " [/blocks.0/mlp/fc1/MatMul]; was it made for another model?");
    }

    @Test
    void aPerChannelActivationWithTheWrongChannelCountIsNamed() {
        UniformParams five = new UniformParams(new UniformSpec(8, false, false, Granularity.PER_CHANNEL, 0),
                new float[] {0.1f, 0.1f, 0.1f, 0.1f, 0.1f}, new int[5], -1);
        QuantPlan p = withTensor(plain, NORM1, t -> new TensorQuantization(t.tensor(), t.role(), t.consumers(), five));
        refused(narrow, p, "activation '" + NORM1 + "' of shape [1, 17, 32] has 32 channels on axis 2, but the plan has 5"
                + " scales for it; was the plan made for another model?");
    }

    @Test
    void aPlanForADeeperModelIsNamedAtTheFirstMissingBlock() {
        QuantPlan deep = HostileFixtures.plan(HostileFixtures.vit(3, 32), "qdq", 8, 8, PtqPipeline.Reparam.NONE);
        // exporters name weights by counter (onnx::MatMul_250), so the first foreign name is looked up, not guessed
        String missing = deep.tensors().stream().map(TensorQuantization::tensor)
                .filter(t -> !narrow.graph().valueNames().contains(t)).findFirst().orElseThrow();
        refused(narrow, deep, "the quantization plan names tensor '" + missing + "', which the model does not have;"
                + " was the plan made for another model?");
    }
}
