package io.vitshrink.workbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.testkit.ImageLayout;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code search} on the test kit's tiny ViT: outputs, JSON keys, plan replay, accuracy-aware mode, user errors. */
class SearchCliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path calib;
    static Path evalImages;
    static Path recipe;

    @BeforeAll
    static void setUp() throws IOException {
        TinyVitBuilder b = TinyVitBuilder.deitLike().depth(1).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(9);
        model = b.writeTo(dir.resolve("tiny.onnx"));
        calib = dir.resolve("calib");
        evalImages = dir.resolve("eval");
        SyntheticImages.write(calib, b.config(), 300, 24, ImageLayout.FLAT_WITH_LABELS);
        SyntheticImages.write(evalImages, b.config(), 400, 48, ImageLayout.FLAT_WITH_LABELS);
        recipe = dir.resolve("recipe.yaml");
        Files.writeString(recipe, "base: imagenet-deit\nname: tiny\nresize: 32\ncrop: 32\n");
    }

    private static String[] args(String out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("search", "--model", model.toString(), "--calib", calib.toString(),
                "--calib-size", "16", "--holdout", "8", "--bits", "4,8", "--levels", "2", "--preset", recipe.toString(),
                "--image-size", "32", "--no-cache", "--quiet", "--threads", "1", "--out", dir.resolve(out).toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void budgetSearchWritesTablesPlansAndAModelItsPlanRebuilds() throws IOException {
        Path json = dir.resolve("s.json");
        CliRun r = CliRun.of(args("s", "--budget", "avg_bits=6", "--eval", evalImages.toString(), "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("avg_w_bits").asDouble()).isLessThanOrEqualTo(6 + 1e-9);
        assertThat(j.get("avg_a_bits").asDouble()).isLessThanOrEqualTo(6 + 1e-9);
        for (String key : List.of("search_seconds", "sensitivity_seconds", "evaluation_seconds", "evaluated_plans", "size_bytes",
                "bops", "top1", "reference_top1", "agreement_top1")) {
            assertThat(j.hasNonNull(key)).as(key).isTrue();
        }
        assertThat(j.get("bops").asLong()).isLessThan(j.get("bops_uniform_widest").asLong());
        assertThat(j.get("evaluated_plans").asInt()).isGreaterThanOrEqualTo(3);
        Path out = dir.resolve("s");
        List<String> frontier = Files.readAllLines(out.resolve("frontier.csv"));
        assertThat(frontier.get(0)).startsWith("plan,allocator");
        assertThat(frontier.stream().filter(l -> l.endsWith(",true")).count()).as("one chosen row").isEqualTo(1);
        assertThat(Files.readAllLines(out.resolve("sensitivity.csv")).size() - 1).isEqualTo(2 * j.get("units").asInt());
        assertThat(out.resolve("sensitivity.json")).exists();
        try (var plans = Files.list(out.resolve("plans"))) {
            assertThat(plans.count()).isEqualTo(frontier.size() - 1);
        }
        CliRun replay = CliRun.of("quantize", "--model", model.toString(), "--from-plan", out.resolve("chosen.plan.json").toString(),
                "--image-size", "32", "--out", dir.resolve("replayed.onnx").toString(), "--plan", dir.resolve("replayed.plan.json").toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("replayed.onnx"))).isEqualTo(Files.readAllBytes(out.resolve("chosen.onnx")));

        // a second search reuses the sensitivity table instead of measuring it again
        Path json2 = dir.resolve("s2.json");
        CliRun again = CliRun.of(args("s2", "--budget", "bops=" + j.get("bops_uniform_widest").asLong() / 2, "--allocator", "greedy",
                "--sensitivity", out.resolve("sensitivity.json").toString(), "--json", json2.toString()));
        assertThat(again.exitCode()).as(again.err()).isZero();
        JsonNode j2 = new ObjectMapper().readTree(json2.toFile());
        assertThat(j2.get("sensitivity_runs").asInt()).isZero();
        assertThat(j2.get("bops").asLong()).isLessThanOrEqualTo(j.get("bops_uniform_widest").asLong() / 2);
    }

    @Test
    void maxDropReturnsAMeasuredPlanWithinTheDrop() throws IOException {
        Path json = dir.resolve("d.json");
        CliRun r = CliRun.of(args("d", "--max-drop", "5", "--eval", evalImages.toString(), "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(100 * j.get("top1_drop").asDouble()).isLessThanOrEqualTo(5 + 1e-9);
        assertThat(j.get("bops").asLong()).isLessThanOrEqualTo(j.get("bops_uniform_widest").asLong());
        assertThat(j.get("max_drop").asDouble()).isEqualTo(5);
    }

    @Test
    void userErrorsAreOneLine() {
        for (String[] bad : List.of(args("e1", "--budget", "speed=3"), args("e2", "--budget", "avg_bits=1"),
                args("e3"), args("e4", "--budget", "avg_bits=5", "--bits", "4,12"),
                args("e5", "--budget", "avg_bits=5", "--sensitivity", dir.resolve("none.json").toString()))) {
            CliRun r = CliRun.of(bad);
            assertThat(r.exitCode()).as(String.join(" ", bad) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("vitshrink: ");
        }
    }
}
