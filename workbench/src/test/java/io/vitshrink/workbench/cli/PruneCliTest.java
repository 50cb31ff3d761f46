package io.vitshrink.workbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune} on the test kit's tiny ViT: outputs, JSON keys, plan replay, prune → quantize, and user errors. */
class PruneCliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path calib;
    static Path evalImages;
    static Path recipe;

    @BeforeAll
    static void setUp() throws IOException {
        TinyWorkspace ws = TinyWorkspace.write(dir, TinyVitBuilder.deitLike().depth(2).width(64).heads(4).imageSize(32).patchSize(8).classes(10).seed(4), 100, 24,
                200, 48);
        model = ws.model();
        calib = ws.calib();
        evalImages = ws.eval();
        recipe = ws.recipe();
    }

    private static String[] args(String out, String... extra) {
        String[] base = {"prune", "--model", model.toString(), "--calib", calib.toString(), "--preset", recipe.toString(),
            "--image-size", "32", "--no-cache", "--quiet", "--out", dir.resolve(out).toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private static JsonNode json(Path p) throws IOException {
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void blockPruningWithReconstructionWritesModelPlanAndKeysAndReplays() throws IOException {
        Path json = dir.resolve("b.json");
        CliRun r = CliRun.of(args("b.onnx", "--method", "block", "--block", "4x4", "--score", "wanda", "--sparsity", "0.3",
                "--reconstruct", "--eval", evalImages.toString(), "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = json(json);
        assertThat(j.get("sparsity").asDouble()).isBetween(0.28, 0.32);
        assertThat(j.get("macs").asLong()).isEqualTo(j.get("float_macs").asLong());
        assertThat(j.get("effective_macs").asLong()).isLessThan(j.get("macs").asLong());
        assertThat(j.get("nonzero_params").asLong()).isLessThan(j.get("params").asLong());
        assertThat(j.get("calib_images").asInt()).isEqualTo(24);
        assertThat(j.get("top1").isNumber()).isTrue();
        assertThat(j.get("reference_top1").asDouble()).isEqualTo(1.0);
        assertThat(j.get("agreement_top1").asDouble()).isGreaterThan(0.5);
        assertThat(j.get("reconstruction").asText()).isEqualTo("exact");

        CliRun again = CliRun.of("prune", "--model", model.toString(), "--from-plan", dir.resolve("b.plan.json").toString(),
                "--calib", calib.toString(), "--preset", recipe.toString(), "--no-cache", "--quiet",
                "--image-size", "32", "--out", dir.resolve("b-again.onnx").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("b-again.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("b.onnx")));
    }

    @Test
    void structuredRemovalShrinksTheModelAndPruneThenQuantizeRecordsBoth() throws IOException {
        Path json = dir.resolve("s.json");
        CliRun r = CliRun.of(args("s.onnx", "--method", "structured", "--target-macs", "0.8", "--then-quantize",
                "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = json(json);
        assertThat(j.get("macs").asDouble() / j.get("float_macs").asDouble()).isBetween(0.7, 0.83);
        assertThat(j.get("params").asLong()).isLessThan(j.get("float_params").asLong());
        assertThat(j.get("quantized").asBoolean()).isTrue();
        JsonNode plan = json(dir.resolve("s.plan.json"));
        assertThat(plan.get("cuts").size()).isEqualTo(2);
        assertThat(plan.get("quantization").get("w_bits").asInt()).isEqualTo(8);
        assertThat(plan.get("quantization").get("plan").asText()).isEqualTo("s.quant.plan.json");
        assertThat(dir.resolve("s.quant.plan.json")).exists();

        CliRun again = CliRun.of("prune", "--model", model.toString(), "--from-plan", dir.resolve("s.plan.json").toString(),
                "--calib", calib.toString(), "--preset", recipe.toString(), "--no-cache", "--quiet",
                "--image-size", "32", "--out", dir.resolve("s-again.onnx").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("s-again.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("s.onnx")));
    }

    @Test
    void magnitudePruningNeedsNoImages() {
        CliRun r = CliRun.of("prune", "--model", model.toString(), "--score", "magnitude", "--method", "nm",
                "--image-size", "32", "--quiet", "--out", dir.resolve("nm.onnx").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("sparsity 50.0%");
    }

    @Test
    void blockAndWindowRefinementWithMirroredAndCroppedViewsRecordsItsSettingsAndReplaysByteForByte() throws IOException {
        CliRun r = CliRun.of(args("rf.onnx", "--method", "block", "--sparsity", "0.5", "--reconstruct", "--refine-steps", "20",
                "--refine-target", "0.5", "--calib-mirror", "--calib-views", "1", "--refine-window", "2", "--refine-window-steps", "10",
                "--refine-schedule", "cosine", "--refine-holdout", "4"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode plan = json(dir.resolve("rf.plan.json"));
        assertThat(plan.get("settings").get("refine_steps").asInt()).isEqualTo(20);
        assertThat(plan.get("settings").get("refine_target").asDouble()).isEqualTo(0.5);
        assertThat(plan.get("settings").get("calib_mirror").asBoolean()).isTrue();
        assertThat(plan.get("settings").get("calib_views").asInt()).isEqualTo(1);
        assertThat(plan.get("settings").get("refine_window").asInt()).isEqualTo(2);
        assertThat(plan.get("settings").get("refine_window_steps").asInt()).isEqualTo(10);
        assertThat(plan.get("settings").get("refine_schedule").asText()).isEqualTo("cosine");
        assertThat(plan.get("settings").get("refine_holdout").asInt()).isEqualTo(4);
        CliRun again = CliRun.of("prune", "--model", model.toString(), "--from-plan", dir.resolve("rf.plan.json").toString(),
                "--calib", calib.toString(), "--preset", recipe.toString(), "--no-cache", "--quiet",
                "--image-size", "32", "--out", dir.resolve("rf-again.onnx").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("rf-again.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("rf.onnx")));
        CliRun noRecon = CliRun.of(args("x4.onnx", "--sparsity", "0.5", "--refine-steps", "5"));
        assertThat(noRecon.exitCode()).isEqualTo(2);
        assertThat(noRecon.err().strip()).startsWith("vitshrink: --refine-steps").contains("--reconstruct").doesNotContain("\n");
        assertThat(dir.resolve("x4.onnx")).doesNotExist();
        CliRun noWindow = CliRun.of(args("x5.onnx", "--sparsity", "0.5", "--reconstruct", "--refine-window-steps", "5"));
        assertThat(noWindow.exitCode()).isEqualTo(2);
        assertThat(noWindow.err().strip()).isEqualTo("vitshrink: --refine-window-steps needs --refine-window");
        assertThat(dir.resolve("x5.onnx")).doesNotExist();
        CliRun deepAlone = CliRun.of(args("x6.onnx", "--sparsity", "0.5", "--reconstruct", "--refine-steps", "5",
                "--refine-window-deep", "1"));
        assertThat(deepAlone.exitCode()).isEqualTo(2);
        assertThat(deepAlone.err().strip()).startsWith("vitshrink: --refine-window-deep").contains("needs --refine-window")
                .doesNotContain("\n");
        assertThat(dir.resolve("x6.onnx")).doesNotExist();
        CliRun badHoldout = CliRun.of(args("x7.onnx", "--sparsity", "0.5", "--reconstruct", "--refine-steps", "5",
                "--refine-holdout", "3"));
        assertThat(badHoldout.exitCode()).isEqualTo(2);
        assertThat(badHoldout.err().strip()).isEqualTo("vitshrink: --refine-holdout must be 0 (fit every image), 2, 4, 8 or 16, not 3");
        CliRun badSchedule = CliRun.of(args("x8.onnx", "--sparsity", "0.5", "--reconstruct", "--refine-steps", "5",
                "--refine-schedule", "linear"));
        assertThat(badSchedule.exitCode()).isEqualTo(2);
        assertThat(badSchedule.err().strip()).isEqualTo("vitshrink: --refine-schedule 'linear' is not known: use constant or cosine");
        CliRun headAlone = CliRun.of(args("x9.onnx", "--sparsity", "0.5", "--reconstruct", "--refine-steps", "5",
                "--refine-head-weight", "10"));
        assertThat(headAlone.exitCode()).isEqualTo(2);
        assertThat(headAlone.err().strip()).startsWith("vitshrink: --refine-head-weight").contains("needs --refine-window")
                .doesNotContain("\n");
        assertThat(dir.resolve("x9.onnx")).doesNotExist();
        CliRun head = CliRun.of(args("hw.onnx", "--method", "block", "--sparsity", "0.5", "--reconstruct", "--refine-window", "2",
                "--refine-window-steps", "24", "--refine-head-weight", "50", "--refine-mixup", "0.5", "--refine-regrow", "0.1",
                "--refine-sharpness", "0.05", "--refine-noise", "0.1"));
        assertThat(head.exitCode()).as(head.err()).isZero();
        JsonNode headPlan = json(dir.resolve("hw.plan.json")).get("settings");
        assertThat(headPlan.get("refine_head_weight").asDouble()).isEqualTo(50.0);
        assertThat(headPlan.get("refine_mixup").asDouble()).isEqualTo(0.5);
        assertThat(headPlan.get("refine_regrow").asDouble()).isEqualTo(0.1);
        assertThat(headPlan.get("refine_sharpness").asDouble()).isEqualTo(0.05);
        assertThat(headPlan.get("refine_noise").asDouble()).isEqualTo(0.1);
        CliRun headAgain = CliRun.of("prune", "--model", model.toString(), "--from-plan", dir.resolve("hw.plan.json").toString(),
                "--calib", calib.toString(), "--preset", recipe.toString(), "--no-cache", "--quiet",
                "--image-size", "32", "--out", dir.resolve("hw-again.onnx").toString());
        assertThat(headAgain.exitCode()).as(headAgain.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("hw-again.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("hw.onnx")));
        CliRun blockRegrow = CliRun.of(args("x10.onnx", "--method", "block", "--block", "4x4", "--sparsity", "0.3", "--reconstruct",
                "--refine-window", "2", "--refine-window-steps", "5", "--refine-regrow", "0.1"));
        assertThat(blockRegrow.exitCode()).isEqualTo(2);
        assertThat(blockRegrow.err().strip()).startsWith("vitshrink: --refine-regrow").contains("--block 1x1").doesNotContain("\n");
        assertThat(dir.resolve("x10.onnx")).doesNotExist();
        CliRun mixTarget = CliRun.of(args("x11.onnx", "--sparsity", "0.5", "--reconstruct", "--refine-window", "2",
                "--refine-window-steps", "5", "--refine-target", "0.5", "--refine-mixup", "0.5"));
        assertThat(mixTarget.exitCode()).isEqualTo(2);
        assertThat(mixTarget.err().strip()).startsWith("vitshrink: --refine-mixup").contains("--refine-target").doesNotContain("\n");
        assertThat(dir.resolve("x11.onnx")).doesNotExist();
        CliRun sharpAlone = CliRun.of(args("x12.onnx", "--sparsity", "0.5", "--reconstruct", "--refine-steps", "5",
                "--refine-sharpness", "0.05", "--refine-noise", "0.1"));
        assertThat(sharpAlone.exitCode()).isEqualTo(2);
        assertThat(sharpAlone.err().strip()).startsWith("vitshrink: --refine-sharpness").contains("needs --refine-window")
                .doesNotContain("\n");
        assertThat(dir.resolve("x12.onnx")).doesNotExist();
        assertThat(dir.resolve("x7.onnx")).doesNotExist();
        assertThat(dir.resolve("x8.onnx")).doesNotExist();
    }

    @Test
    void networkAllocationRecordsItsMeasureAndTheLayersItChose() throws IOException {
        CliRun r = CliRun.of(args("an.onnx", "--method", "block", "--sparsity", "0.5", "--allocate", "network"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode plan = json(dir.resolve("an.plan.json"));
        assertThat(plan.get("settings").get("allocate").asBoolean()).isTrue();
        assertThat(plan.get("settings").get("allocation").asText()).isEqualTo("network");
        java.util.Set<Double> sparsities = new java.util.HashSet<>();
        plan.get("layers").forEach(l -> sparsities.add(l.get("sparsity").asDouble()));
        assertThat(sparsities).hasSizeGreaterThan(1);
        CliRun plain = CliRun.of(args("al.onnx", "--method", "block", "--sparsity", "0.5", "--allocate"));
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(json(dir.resolve("al.plan.json")).get("settings").get("allocation").asText()).isEqualTo("layer");
        CliRun bad = CliRun.of(args("ab.onnx", "--method", "block", "--sparsity", "0.5", "--allocate", "global"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("vitshrink: --allocate takes layer or network, not 'global'");
        CliRun tooSparse = CliRun.of(args("ab.onnx", "--method", "block", "--sparsity", "0.95", "--allocate", "network"));
        assertThat(tooSparse.exitCode()).isEqualTo(2);
        assertThat(tooSparse.err().strip()).startsWith("vitshrink: --allocate chooses each layer's sparsity among 0.1 … 0.9");
        assertThat(dir.resolve("ab.onnx")).doesNotExist();
    }

    @Test
    void badOptionsAreOneLineUserErrorsAndWriteNothing() {
        CliRun both = CliRun.of(args("x1.onnx", "--sparsity", "0.5", "--target-macs", "0.8"));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("vitshrink: give exactly one of --sparsity");
        CliRun pattern = CliRun.of(args("x2.onnx", "--sparsity", "0.5", "--block", "4by4"));
        assertThat(pattern.exitCode()).isEqualTo(2);
        assertThat(pattern.err()).contains("--block '4by4'");
        CliRun noCalib = CliRun.of("prune", "--model", model.toString(), "--sparsity", "0.5", "--image-size", "32",
                "--out", dir.resolve("x3.onnx").toString());
        assertThat(noCalib.exitCode()).isEqualTo(2);
        assertThat(noCalib.err()).contains("--calib");
        assertThat(dir.resolve("x1.onnx")).doesNotExist();
        assertThat(dir.resolve("x3.onnx")).doesNotExist();
        assertThat(dir.resolve("x3.plan.json")).doesNotExist();
    }
}
