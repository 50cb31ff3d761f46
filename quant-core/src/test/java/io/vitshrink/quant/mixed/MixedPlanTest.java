package io.vitshrink.quant.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.Calibrated;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.plan.PlanCost;
import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.scheme.SchemePresets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budget accounting, plan replay and sensitivity on a tiny ViT (one calibration shared by the tests). */
class MixedPlanTest {
    private static final TinyVitBuilder BUILDER = TinyVitBuilder.deitLike().depth(2).width(64).heads(4).seed(5);
    private static Model model;
    private static Calibrated calibrated;
    private static AnalyzedModel analysis;
    private static List<QuantUnit> units;

    @TempDir
    Path dir;

    @BeforeAll
    static void calibrate() {
        model = BUILDER.build();
        analysis = AnalyzedModel.of(model, 32);
        PtqPipeline.Settings settings = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 8), ObserverKind.PERCENTILE,
                WeightRangeMethod.MSE, PtqPipeline.Reparam.REPQ, "simulated", false, 32);
        calibrated = new PtqPipeline(RunnerOptions.defaults(), new PtqPipeline.Listener() {
            public void passStarted(String what, int passes) {
            }

            public void imagesDone(int images) {
            }
        }).calibrate(model, batches(1, 3), settings);
        units = QuantUnits.of(calibrated.targets(), calibrated.workingModel().graph(), analysis.cost(), UnitGrouping.TENSOR);
    }

    static CalibrationInputs batches(long seed, int count) {
        List<CalibrationInputs.Batch> list = heldOut(seed, count);
        return () -> new CalibrationInputs.Pass() {
            int i;

            public boolean hasNext() {
                return i < list.size();
            }

            public CalibrationInputs.Batch next() {
                return list.get(i++);
            }

            public void close() {
            }
        };
    }

    static List<CalibrationInputs.Batch> heldOut(long seed, int count) {
        List<CalibrationInputs.Batch> list = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new CalibrationInputs.Batch(SyntheticImages.batch(BUILDER.config(), seed + i, 8), new long[] {8, 3, 32, 32}));
        }
        return list;
    }

    @Test
    void uniformAssignmentsMeasureLikeTheCostModel() {
        BudgetMeter meter = new BudgetMeter(units, analysis.cost());
        assertThat(units).hasSize(calibrated.targets().size());
        for (int b : new int[] {4, 6, 8}) {
            int[] bits = new int[units.size()];
            java.util.Arrays.fill(bits, b);
            Measures m = meter.measure(bits);
            assertThat(m.avgWeightBits()).isEqualTo(b);
            assertThat(m.avgActivationBits()).isEqualTo(b);
            assertThat(m.bops()).isEqualTo(analysis.cost().bops(b, b)); // vit-all quantizes every product
            QuantPlan plan = calibrated.plan("m", "", "t", t -> b, Map.of());
            assertThat(m.bops()).isEqualTo(PlanCost.bops(analysis.cost(), plan));
            long weights = units.stream().filter(QuantUnit::isWeight).mapToLong(QuantUnit::size).sum();
            assertThat(m.sizeBytes()).isEqualTo(analysis.cost().storedBytes() - 4 * weights
                    + units.stream().filter(QuantUnit::isWeight).mapToLong(u -> (u.size() * b + 7) / 8).sum());
        }
    }

    @Test
    void aMixedPlanReplaysFromItsFileToTheModelTheSearchMeasured() {
        int[] bits = new int[units.size()];
        for (int u = 0; u < bits.length; u++) {
            bits[u] = u % 3 == 0 ? 4 : u % 3 == 1 ? 6 : 8;
        }
        BudgetMeter meter = new BudgetMeter(units, analysis.cost());
        Allocation a = new Allocation(bits, 0, meter.measure(bits));
        QuantPlan plan = MixedPlan.of(calibrated, units, a, "tiny.onnx", "", "test", "dp");
        for (int u = 0; u < bits.length; u++) {
            for (var t : units.get(u).targets()) {
                TensorQuantization q = plan.tensors().stream().filter(x -> x.tensor().equals(t.tensor())).findFirst().orElseThrow();
                assertThat(q.bits()).isEqualTo(bits[u]);
            }
        }
        assertThat(PlanCost.bops(analysis.cost(), plan)).isEqualTo(a.measures().bops());
        Path file = dir.resolve("mixed.plan.json");
        PlanJson.write(plan, file);
        Model replayed = PtqPipeline.apply(model, PlanJson.read(file), false, 32);
        Model searched = PtqPipeline.rewrite(calibrated.workingModel(), "simulated", plan.tensors(), false, Map.of());
        CalibrationInputs.Batch b = heldOut(50, 1).get(0);
        try (Runner r1 = Runner.open(replayed, RunnerOptions.defaults()); Runner r2 = Runner.open(searched, RunnerOptions.defaults());
                Runner f = Runner.open(model, RunnerOptions.defaults())) {
            float[] x = r1.runBatch(b.pixels(), b.shape()).toFloats();
            float[] y = r2.runBatch(b.pixels(), b.shape()).toFloats();
            float[] z = f.runBatch(b.pixels(), b.shape()).toFloats();
            assertThat(x).containsExactly(y);
            assertThat(x).isNotEqualTo(z); // it is quantized
            double err = 0;
            double ref = 0;
            for (int i = 0; i < x.length; i++) {
                err += (x[i] - z[i]) * (x[i] - z[i]);
                ref += z[i] * z[i];
            }
            assertThat(err / ref).as("relative error of the mixed model's logits").isLessThan(0.1);
        }
    }

    @Test
    void sensitivityGrowsAsWidthsShrinkAndGroupingPerBlockTiesWidths() {
        List<QuantUnit> blocks = QuantUnits.of(calibrated.targets(), calibrated.workingModel().graph(), analysis.cost(),
                UnitGrouping.BLOCK);
        // 2 blocks × (weights, activations) + patch embedding and head tensors on their own
        assertThat(blocks.stream().filter(u -> u.name().startsWith("block")).count()).isEqualTo(4);
        SensitivityTable t = new SensitivityAnalysis(RunnerOptions.defaults()).run(calibrated, blocks, new int[] {3, 8},
                heldOut(100, 2), (done, total) -> { });
        assertThat(t.images()).isEqualTo(16);
        double narrow = 0;
        double wide = 0;
        for (int u = 0; u < blocks.size(); u++) {
            assertThat(t.kl()[u][0]).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(t.agreement()[u][0]).isBetween(0.0, 1.0);
            narrow += t.kl()[u][0];
            wide += t.kl()[u][1];
        }
        assertThat(narrow).isGreaterThan(4 * wide);
        assertThat(t.ranking()).hasSize(blocks.size());
        int first = t.ranking().get(0);
        assertThat(t.kl()[first][0]).isEqualTo(java.util.Arrays.stream(t.kl()).mapToDouble(r -> r[0]).max().orElseThrow());
        assertThat(t.toCsv().lines().count()).isEqualTo(1 + 2L * blocks.size());
    }

    @Test
    void withUniformQuantizersGivesWhatAUniformCalibrationOfTheSameImagesGives() {
        PtqPipeline.Listener quiet = new PtqPipeline.Listener() {
            public void passStarted(String what, int passes) {
            }

            public void imagesDone(int images) {
            }
        };
        PtqPipeline.Settings adalog = new PtqPipeline.Settings(SchemePresets.get("vit-all", 8, 8), ObserverKind.PERCENTILE,
                WeightRangeMethod.MSE, PtqPipeline.Reparam.REPQ, "simulated", false, 32,
                io.vitshrink.quant.nonuniform.QuantizerChoice.ADALOG, io.vitshrink.quant.nonuniform.QuantizerChoice.ADALOG);
        Calibrated searched = new PtqPipeline(RunnerOptions.defaults(), quiet).calibrate(model, batches(1, 3), adalog);
        Calibrated plain = searched.withUniformQuantizers();
        List<io.vitshrink.quant.scheme.QuantTarget> powerLaw = searched.targets().stream().filter(searched::isPowerLaw).toList();
        assertThat(powerLaw).as("post-Softmax and post-GELU inputs of 2 blocks").hasSize(4);
        assertThat(powerLaw).noneMatch(plain::isPowerLaw);
        for (var t : searched.targets()) {
            TensorQuantization uniform = calibrated.quantization(t, 5); // the uniform calibration of the same images
            assertThat(plain.quantization(t, 5)).as(t.tensor()).isEqualTo(uniform);
            if (searched.isPowerLaw(t)) {
                assertThat(searched.quantization(t, 5).isUniform()).isFalse();
            } else {
                assertThat(searched.quantization(t, 5)).as(t.tensor()).isEqualTo(uniform);
            }
        }
        QuantPlan p = plain.plan("m", "", "t", t -> 5, Map.of());
        assertThat(p.settings()).containsEntry("softmax_quantizer", "uniform").containsEntry("gelu_quantizer", "uniform");
        assertThat(searched.plan("m", "", "t", t -> 5, Map.of()).settings()).containsEntry("softmax_quantizer", "adalog");
        assertThat(calibrated.withUniformQuantizers()).isSameAs(calibrated);
    }
}
