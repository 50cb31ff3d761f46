package io.vitshrink.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.scheme.SchemePresets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PtqPipelineTest {
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

    static CalibrationInputs synthetic(TinyVitBuilder b, long seed, int batches) {
        return () -> new CalibrationInputs.Pass() {
            int i;

            @Override
            public boolean hasNext() {
                return i < batches;
            }

            @Override
            public CalibrationInputs.Batch next() {
                float[] px = SyntheticImages.batch(b.config(), seed + i++, 8);
                return new CalibrationInputs.Batch(px, new long[] {8, 3, 32, 32});
            }

            @Override
            public void close() {
            }
        };
    }

    static float agreement(Model a, Model b, TinyVitBuilder builder) {
        float[] px = SyntheticImages.batch(builder.config(), 999, 32);
        long[] shape = {32, 3, 32, 32};
        try (Runner ra = Runner.open(a, RunnerOptions.defaults()); Runner rb = Runner.open(b, RunnerOptions.defaults())) {
            float[] la = ra.runBatch(px, shape).toFloats();
            float[] lb = rb.runBatch(px, shape).toFloats();
            int[] pa = io.vitshrink.onnx.testkit.TinyVitReference.argmax(la, 32, 10);
            int[] pb = io.vitshrink.onnx.testkit.TinyVitReference.argmax(lb, 32, 10);
            int same = 0;
            for (int i = 0; i < 32; i++) {
                same += pa[i] == pb[i] ? 1 : 0;
            }
            return same / 32f;
        }
    }

    @ParameterizedTest(name = "{0} {1} W{2}A{3} {4} {5}")
    @CsvSource({
        "TIMM, qdq, 8, 8, percentile, none",
        "HUGGING_FACE, qdq, 8, 8, minmax, repq",
        "TORCHVISION, simulated, 6, 6, mse, smoothquant",
        "TIMM, simulated, 4, 8, entropy, repq",
    })
    void quantizesAndTheWrittenPlanRebuildsTheSameModel(ExportStyle style, String format, int w, int a, String observer,
            String reparam) {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(style).depth(2).width(64).heads(4).seed(11);
        Model model = b.build();
        PtqPipeline.Settings settings = new PtqPipeline.Settings(SchemePresets.get("vit-all", w, a),
                ObserverKind.parse(observer), WeightRangeMethod.MSE, PtqPipeline.Reparam.parse(reparam), format, false, 32);
        PtqPipeline.Result r = new PtqPipeline(RunnerOptions.defaults(), SILENT).run(model, "tiny.onnx", "", "test",
                synthetic(b, 1, 4), settings);

        assertThat(r.calibrationImages()).isEqualTo(32);
        assertThat(r.plan().reparameterizations().isEmpty()).isEqualTo(reparam.equals("none"));
        Path planFile = dir.resolve("plan.json");
        PlanJson.write(r.plan(), planFile);
        QuantPlan read = PlanJson.read(planFile);
        Model rebuilt = PtqPipeline.apply(model, read, false, 32);
        assertThat(java.util.Arrays.equals(ModelIO.toBytes(rebuilt), ModelIO.toBytes(r.quantized())))
                .as("the model rebuilt from the written plan is byte-identical").isTrue();
        if (format.equals("qdq")) {
            // a deployable model is still recognized, with the float model's blocks and parameter count
            io.vitshrink.onnx.AnalyzedModel f = io.vitshrink.onnx.AnalyzedModel.of(model, 32);
            io.vitshrink.onnx.AnalyzedModel q = io.vitshrink.onnx.AnalyzedModel.of(r.quantized(), 32);
            assertThat(q.structure().blocks()).hasSameSizeAs(f.structure().blocks());
            assertThat(q.structure().unrecognized()).isEmpty();
            assertThat(q.cost().params()).isEqualTo(f.cost().params());
            assertThat(q.cost().subtotal(q.structure().blocks().get(0).nodes()).params())
                    .isEqualTo(f.cost().subtotal(f.structure().blocks().get(0).nodes()).params());
        }
        if (w == 8 && a == 8) {
            assertThat(agreement(model, r.quantized(), b)).isGreaterThanOrEqualTo(0.9f);
        } else {
            assertThat(agreement(model, r.quantized(), b)).isGreaterThan(0.3f);
        }
    }

    @org.junit.jupiter.api.Test
    void sixBitQdqIsRefusedWithAHintAndWeightOnlyNeedsNoCalibrationPass() {
        TinyVitBuilder b = TinyVitBuilder.deitLike().seed(2);
        PtqPipeline p = new PtqPipeline(RunnerOptions.defaults(), SILENT);
        PtqPipeline.Settings six = new PtqPipeline.Settings(SchemePresets.get("vit-all", 6, 6), ObserverKind.MINMAX,
                WeightRangeMethod.MINMAX, PtqPipeline.Reparam.NONE, "qdq", false, 32);
        assertThatThrownBy(() -> p.run(b.build(), "m", "", "t", synthetic(b, 1, 1), six))
                .isInstanceOf(UserException.class).hasMessageContaining("simulated");
        PtqPipeline.Settings wo = new PtqPipeline.Settings(SchemePresets.get("weights-only", 8, 0), ObserverKind.MINMAX,
                WeightRangeMethod.MINMAX, PtqPipeline.Reparam.NONE, "qdq", false, 32);
        PtqPipeline.Result r = p.run(b.build(), "m", "", "t", synthetic(b, 1, 1), wo);
        assertThat(r.calibrationImages()).isZero();
        assertThat(r.plan().tensors()).allSatisfy(t -> assertThat(t.role().key()).isEqualTo("weight"));
    }

    @org.junit.jupiter.api.Test
    void emptyCalibrationSetIsAUserError() {
        TinyVitBuilder b = TinyVitBuilder.deitLike().seed(2);
        PtqPipeline.Settings s = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 8), ObserverKind.MINMAX,
                WeightRangeMethod.MINMAX, PtqPipeline.Reparam.NONE, "qdq", false, 32);
        assertThatThrownBy(() -> new PtqPipeline(RunnerOptions.defaults(), SILENT).run(b.build(), "m", "", "t",
                synthetic(b, 1, 0), s)).isInstanceOf(UserException.class).hasMessageContaining("no images");
    }

    /** pixels [N,3,32,32] → Flatten → (optional Log) → MatMul W[3072,10] → logits: no transformer at all. */
    private static Model plainModel(boolean log) {
        io.vitshrink.onnx.model.Graph g = new io.vitshrink.onnx.model.Graph("mlp");
        g.addInput(new io.vitshrink.onnx.model.ValueInfo("pixel_values", io.vitshrink.onnx.model.DataType.FLOAT,
                List.of(io.vitshrink.onnx.model.Dim.symbolic("batch"), io.vitshrink.onnx.model.Dim.of(3),
                        io.vitshrink.onnx.model.Dim.of(32), io.vitshrink.onnx.model.Dim.of(32))));
        float[] w = new float[3072 * 10];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() - 0.5) * 0.05f;
        }
        g.putInitializer(io.vitshrink.onnx.model.Tensor.ofFloats("W", new long[] {3072, 10}, w));
        g.addNode(new io.vitshrink.onnx.model.Node("flatten", "Flatten", List.of("pixel_values"), List.of("flat"),
                io.vitshrink.onnx.model.Attribute.of("axis", 1L)));
        String x = "flat";
        if (log) {
            g.addNode(new io.vitshrink.onnx.model.Node("log", "Log", List.of("flat"), List.of("logged")));
            x = "logged";
        }
        g.addNode(new io.vitshrink.onnx.model.Node("fc", "MatMul", List.of(x, "W"), List.of("logits")));
        g.addOutput(new io.vitshrink.onnx.model.ValueInfo("logits", io.vitshrink.onnx.model.DataType.FLOAT, null));
        return new Model(8, java.util.Map.of("", 17L), g);
    }

    @org.junit.jupiter.api.Test
    void unrecognizedStructureFallsBackToOpLevelAndSaysSo() {
        TinyVitBuilder b = TinyVitBuilder.deitLike();
        PtqPipeline.Settings s = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 8), ObserverKind.MINMAX,
                WeightRangeMethod.MINMAX, PtqPipeline.Reparam.REPQ, "qdq", false, 32);
        PtqPipeline.Result r = new PtqPipeline(RunnerOptions.defaults(), SILENT).run(plainModel(false), "m", "", "t",
                synthetic(b, 1, 2), s);
        assertThat(r.notes()).anyMatch(n -> n.contains("not recognized") && n.contains("op level"));
        assertThat(r.notes()).anyMatch(n -> n.contains("reparameterization skipped"));
        assertThat(r.plan().tensors()).extracting(t -> t.tensor()).containsExactlyInAnyOrder("W", "flat");
    }

    @org.junit.jupiter.api.Test
    void nanInAnActivationIsAUserErrorNamingTheTensor() {
        TinyVitBuilder b = TinyVitBuilder.deitLike();
        PtqPipeline.Settings s = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 8), ObserverKind.PERCENTILE,
                WeightRangeMethod.MINMAX, PtqPipeline.Reparam.NONE, "qdq", false, 32);
        // normalized pixels are partly negative: Log makes NaN
        assertThatThrownBy(() -> new PtqPipeline(RunnerOptions.defaults(), SILENT).run(plainModel(true), "m", "", "t",
                synthetic(b, 1, 2), s)).isInstanceOf(UserException.class)
                .hasMessageContaining("activation 'logged' contains NaN/Inf");
    }

    @ParameterizedTest(name = "{0} softmax {1} gelu {2}")
    @CsvSource({
        "TIMM, adalog, twin",
        "HUGGING_FACE, auto, auto",
        "TORCHVISION, logsqrt2, adalog",
    })
    void nonUniformQuantizersForPowerLawActivationsReplayFromThePlan(ExportStyle style, String softmax, String gelu) {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(style).depth(2).width(64).heads(4).seed(12);
        Model model = b.build();
        PtqPipeline.Settings settings = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 4), ObserverKind.PERCENTILE,
                WeightRangeMethod.MSE, PtqPipeline.Reparam.REPQ, "simulated", false, 32,
                io.vitshrink.quant.nonuniform.QuantizerChoice.parse(softmax),
                io.vitshrink.quant.nonuniform.QuantizerChoice.parse(gelu));
        PtqPipeline.Result r = new PtqPipeline(RunnerOptions.defaults(), SILENT).run(model, "tiny.onnx", "", "test",
                synthetic(b, 3, 2), settings);
        long nonUniform = r.plan().tensors().stream().filter(t -> !t.isUniform()).count();
        // one post-Softmax and one post-GELU tensor per block (auto may keep uniform where it wins)
        assertThat(nonUniform).isBetween(softmax.equals("auto") ? 0L : 2L, 4L);
        if (!softmax.equals("auto")) {
            String expected = softmax.equals("logsqrt2") ? "log_sqrt2" : softmax;
            assertThat(r.plan().tensors()).filteredOn(t -> t.consumers().stream().anyMatch(c -> c.contains("MatMul_1")
                    || c.contains("context") || c.contains("attention/MatMul_1") || c.contains("bmm")))
                    .isNotEmpty();
            assertThat(r.plan().tensors()).anyMatch(t -> t.kind().equals(expected));
        }
        Path planFile = dir.resolve("plan-nu.json");
        PlanJson.write(r.plan(), planFile);
        Model rebuilt = PtqPipeline.apply(model, PlanJson.read(planFile), false, 32);
        assertThat(java.util.Arrays.equals(ModelIO.toBytes(rebuilt), ModelIO.toBytes(r.quantized())))
                .as("the model rebuilt from the written plan is byte-identical").isTrue();
        assertThat(agreement(model, r.quantized(), b)).isGreaterThan(0.3f);
    }

    @org.junit.jupiter.api.Test
    void nonUniformQuantizersNeedTheSimulatedFormat() {
        assertThatThrownBy(() -> new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 8), ObserverKind.PERCENTILE,
                WeightRangeMethod.MSE, PtqPipeline.Reparam.NONE, "qdq", false, 32,
                io.vitshrink.quant.nonuniform.QuantizerChoice.ADALOG, io.vitshrink.quant.nonuniform.QuantizerChoice.UNIFORM))
                .isInstanceOf(UserException.class).hasMessageContaining("--format simulated");
    }
}
