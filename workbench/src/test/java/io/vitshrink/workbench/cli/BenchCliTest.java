package io.vitshrink.workbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --suite} and {@code bench --profile} on the bundled tiny ViT: documented keys and files, sane values, one-line errors. */
class BenchCliTest {
    @TempDir
    Path dir;

    @Test
    void suiteOnTheBundledModelWritesEveryRatio() throws IOException {
        Path json = dir.resolve("suite.json");
        CliRun r = CliRun.of("bench", "--suite", "--images", "12", "--heap-images", "24", "--repeats", "2", "--batch-size", "4",
                "--runs", "2", "--warmup", "1", "--quiet", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        for (String key : new String[] {"calib_over_infer", "calib_pass_over_infer", "eval_pipeline_over_ort",
            "eval_pipeline_over_ort_cold", "w8a8_latency_ratio_b1", "w8a8_latency_ratio_b8", "calib_heap_ratio",
            "ort_images_per_s", "eval_images_per_s", "eval_cold_images_per_s", "calib_images_per_s",
            "calib_peak_heap_bytes_small", "calib_peak_heap_bytes_large", "calib_stats_pass_over_infer",
            "calib_pass_ort_over_infer", "calib_pass_observers_over_infer"}) {
            assertThat(j.has(key)).as(key).isTrue();
            assertThat(j.get(key).asDouble()).as(key).isPositive().isFinite();
        }
        // medians lie within their spread; calibration cannot be cheaper than the inference it contains
        assertThat(j.get("calib_over_infer").asDouble()).isBetween(j.get("calib_over_infer_min").asDouble(),
                j.get("calib_over_infer_max").asDouble());
        assertThat(j.get("calib_over_infer").asDouble()).isGreaterThanOrEqualTo(j.get("calib_pass_over_infer").asDouble());
        // the parts of the observer pass fit inside it (medians of per-repeat ratios, so allow rounding)
        assertThat(j.get("calib_pass_ort_over_infer").asDouble() + j.get("calib_pass_observers_over_infer").asDouble())
                .isLessThanOrEqualTo(j.get("calib_pass_over_infer_max").asDouble() * 1.0001);
        assertThat(j.get("calib_heap_samples_small").asInt()).isPositive();
        assertThat(j.get("images").asInt()).isEqualTo(12);
        assertThat(j.get("calib_heap_images_large").asInt()).isEqualTo(24);
        assertThat(j.get("cores").asInt()).isPositive();
        assertThat(j.get("model").asText()).isEqualTo("bundled tiny ViT");
        assertThat(r.out()).contains("calib_over_infer").contains("eval_pipeline_over_ort").contains("w8a8_latency_ratio_b8");
    }

    @Test
    void profileSummarizesOperatorTimesOfBothModels() throws IOException {
        Path model = io.vitshrink.onnx.testkit.TinyVitBuilder.deitLike().depth(2).width(32).heads(2).imageSize(32)
                .patchSize(8).classes(10).seed(3).writeTo(dir.resolve("tiny.onnx"));
        Path profiles = dir.resolve("profiles");
        CliRun r = CliRun.of("bench", "--model", model.toString(), "--reference", model.toString(), "--batch", "2",
                "--runs", "3", "--warmup", "1", "--image-size", "32", "--quiet", "--profile", profiles.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(profiles.resolve("model-b2.json")).exists();
        assertThat(profiles.resolve("reference-b2.json")).exists();
        java.util.List<String> csv = java.nio.file.Files.readAllLines(profiles.resolve("operators-b2.csv"));
        assertThat(csv.get(0)).isEqualTo("operator,model_ms_per_run,reference_ms_per_run");
        // the same model on both sides: the same operators, each with some time (a ViT is mostly MatMul-like kernels)
        assertThat(csv).anySatisfy(line -> assertThat(line).matches("(MatMul|FusedMatMul|Gemm),[0-9.E-]+,[0-9.E-]+"));
        assertThat(r.out()).contains("operator time at batch 2");
    }

    @Test
    void referenceDoesNotApplyToTheSuite() {
        CliRun r = CliRun.of("bench", "--suite", "--reference", dir.resolve("m.onnx").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo("vitshrink: --reference does not apply to --suite (it compares the W8A8 model with the float one itself)");
    }

    @Test
    void benchWithoutModelOrSuiteIsAUserError() {
        CliRun r = CliRun.of("bench");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("vitshrink: bench needs --model M (or --suite, which defaults to the bundled tiny ViT)");
    }

    @Test
    void dataWithoutModelIsAUserError() {
        CliRun r = CliRun.of("bench", "--suite", "--data", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("vitshrink: --data needs --model");
    }
}
