package io.vitshrink.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.gptq.WeightMethod;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.quant.nonuniform.UniformRangeSearch;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.scheme.SchemePresets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GPTQ weights and FPCS activation ranges through the whole pipeline on the tiny ViT: the exported
 * model runs in ONNX Runtime (simulated and QDQ) and stays close to float, the plan carries the GPTQ
 * levels so that the written plan alone rebuilds the same model byte for byte, and the QDQ weights
 * hold exactly those levels.
 */
class GptqAndFpcsPipelineTest {
    @TempDir
    Path dir;

    private static final PtqPipeline.Listener SILENT = new PtqPipeline.Listener() {
        @Override
        public void passStarted(String what, int passes) {
        }

        @Override
        public void imagesDone(int images) {
        }
    };

    static TinyVitBuilder tiny() {
        return TinyVitBuilder.deitLike().depth(2).width(64).heads(4).seed(11);
    }

    static PtqPipeline.Settings settings(int w, int a, String granularity, String format) {
        return new PtqPipeline.Settings(
                SchemePresets.get("vit-all", w, a).withGranularity(io.vitshrink.quant.quantizers.Granularity.parse(granularity), 16),
                ObserverKind.PERCENTILE, WeightRangeMethod.MSE, PtqPipeline.Reparam.REPQ, format, false, 32);
    }

    static PtqPipeline.Result run(Model model, TinyVitBuilder b, PtqPipeline.Settings s) {
        return new PtqPipeline(RunnerOptions.defaults(), SILENT).run(model, "tiny.onnx", "", "test",
                PtqPipelineTest.synthetic(b, 1, 4), s);
    }

    /** Mean squared logit difference to the float model on held-out synthetic images. */
    static double logitError(Model a, Model b, TinyVitBuilder builder) {
        float[] px = SyntheticImages.batch(builder.config(), 999, 32);
        long[] shape = {32, 3, 32, 32};
        try (Runner ra = Runner.open(a, RunnerOptions.defaults()); Runner rb = Runner.open(b, RunnerOptions.defaults())) {
            float[] la = ra.runBatch(px, shape).toFloats();
            float[] lb = rb.runBatch(px, shape).toFloats();
            double s = 0;
            for (int i = 0; i < la.length; i++) {
                s += (la[i] - lb[i]) * (double) (la[i] - lb[i]);
            }
            return s / la.length;
        }
    }

    @ParameterizedTest(name = "W{0}A{1} {2} {3}")
    @CsvSource({"4, 8, per_channel, simulated", "4, 8, per_group, simulated", "8, 8, per_channel, qdq", "4, 8, per_group, qdq"})
    void gptqModelRunsStaysCloseToFloatAndReplaysFromItsPlan(int w, int a, String granularity, String format) {
        TinyVitBuilder b = tiny();
        Model model = b.build();
        PtqPipeline.Result r = run(model, b, settings(w, a, granularity, format).withWeightMethod(WeightMethod.GPTQ));

        List<TensorQuantization> weights = r.plan().tensors().stream().filter(t -> t.role() == TensorRole.WEIGHT).toList();
        assertThat(weights.stream().filter(TensorQuantization::hasLevels).count())
                .as("every Linear weight (not the patch convolution) has GPTQ levels").isEqualTo(weights.size() - 1);
        assertThat(r.plan().settings()).containsEntry("weight_method", "gptq");
        assertThat(r.gptqSeconds()).isPositive();

        Path planFile = dir.resolve("plan.json");
        PlanJson.write(r.plan(), planFile);
        QuantPlan read = PlanJson.read(planFile);
        assertThat(Arrays.equals(ModelIO.toBytes(PtqPipeline.apply(model, read, false, 32)), ModelIO.toBytes(r.quantized())))
                .as("the model rebuilt from the written plan is byte-identical").isTrue();

        if (format.equals("qdq")) {
            for (TensorQuantization t : weights) {
                if (!t.hasLevels()) {
                    continue;
                }
                Tensor q = r.quantized().graph().initializer(t.tensor() + "/quantized").orElseThrow();
                assertThat(Arrays.stream(q.toLongs()).mapToInt(v -> (int) v).toArray()).as(t.tensor()).containsExactly(t.levels());
            }
        }
        double gptq = logitError(model, r.quantized(), b);
        double rtn = logitError(model, run(model, b, settings(w, a, granularity, format)).quantized(), b);
        assertThat(PtqPipelineTest.agreement(model, r.quantized(), b)).isGreaterThanOrEqualTo(w == 8 ? 0.9f : 0.6f);
        assertThat(gptq).as("GPTQ logit error %s vs RTN %s", gptq, rtn).isLessThan(w == 8 ? 2 * rtn + 1e-6 : 1.25 * rtn);
    }

    @Test
    void fpcsChangesUniformActivationRangesAndTheModelRunsInQdq() {
        TinyVitBuilder b = tiny();
        Model model = b.build();
        PtqPipeline.Settings s = settings(8, 4, "per_channel", "simulated");
        PtqPipeline.Result plain = run(model, b, s);
        PtqPipeline.Result fpcs = run(model, b, s.withUniformSearch(UniformRangeSearch.FPCS));
        List<TensorQuantization> before = plain.plan().tensors();
        List<TensorQuantization> after = fpcs.plan().tensors();
        assertThat(after).hasSameSizeAs(before);
        long changed = 0;
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i).role() == TensorRole.ACTIVATION && !before.get(i).params().equals(after.get(i).params())) {
                changed++;
            }
            assertThat(after.get(i).isUniform()).isTrue();
        }
        assertThat(changed).as("activation ranges FPCS changed").isGreaterThan(5);
        assertThat(fpcs.searchSeconds()).isPositive();
        assertThat(fpcs.plan().settings()).containsEntry("uniform_search", "fpcs");
        assertThat(logitError(model, fpcs.quantized(), b)).isLessThan(logitError(model, plain.quantized(), b));

        // uniform per-tensor parameters only: the deployable format takes them too
        PtqPipeline.Result qdq = run(model, b, settings(8, 8, "per_channel", "qdq").withUniformSearch(UniformRangeSearch.FPCS)
                .withWeightMethod(WeightMethod.GPTQ));
        assertThat(PtqPipelineTest.agreement(model, qdq.quantized(), b)).isGreaterThanOrEqualTo(0.9f);
    }

    @Test
    void fpcsLeavesTheSearchedPowerLawQuantizersAlone() {
        TinyVitBuilder b = tiny();
        Model model = b.build();
        PtqPipeline.Settings s = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 4), ObserverKind.PERCENTILE,
                WeightRangeMethod.MSE, PtqPipeline.Reparam.REPQ, "simulated", false, 32, QuantizerChoice.ADALOG,
                QuantizerChoice.TWIN, WeightMethod.RTN, UniformRangeSearch.FPCS);
        PtqPipeline.Result r = run(model, b, s);
        assertThat(r.plan().tensors().stream().filter(t -> !t.isUniform()).map(TensorQuantization::kind).distinct())
                .containsExactlyInAnyOrder("adalog", "twin_uniform");
    }
}
