package io.vitshrink.workbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantize} on the test kit's tiny ViT: outputs, JSON keys, plan replay, and user errors. */
class QuantizeCliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path calib;
    static Path evalImages;
    static Path recipe;

    @BeforeAll
    static void setUp() throws IOException {
        TinyWorkspace ws = TinyWorkspace.write(dir, TinyVitBuilder.deitLike().depth(2).width(64).heads(4).imageSize(32).patchSize(8).classes(10).seed(4), 100, 24,
                200, 96);
        model = ws.model();
        calib = ws.calib();
        evalImages = ws.eval();
        recipe = ws.recipe();
    }

    private static String[] args(String out, String... extra) {
        String[] base = {"quantize", "--model", model.toString(), "--calib", calib.toString(), "--preset", recipe.toString(),
            "--image-size", "32", "--no-cache", "--quiet", "--out", dir.resolve(out).toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void w8a8QdqShrinksTheFileKeepsAccuracyAndItsPlanRebuildsIt() throws IOException {
        Path json = dir.resolve("q8.json");
        CliRun r = CliRun.of(args("q8.onnx", "--eval", evalImages.toString(), "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("w_bits").asInt()).isEqualTo(8);
        assertThat(j.get("a_bits").asInt()).isEqualTo(8);
        assertThat(j.get("calib_images").asInt()).isEqualTo(24);
        assertThat(j.get("calib_seconds").asDouble()).isPositive();
        assertThat(j.get("size_ratio").asDouble()).isLessThan(0.35);
        assertThat(j.get("bops").asLong()).isLessThan(j.get("float_bops").asLong() / 10);
        assertThat(j.get("agreement_top1").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(j.get("reference_top1").asDouble()).isEqualTo(1.0);
        assertThat(dir.resolve("q8.plan.json")).exists();

        CliRun again = CliRun.of("quantize", "--model", model.toString(), "--from-plan", dir.resolve("q8.plan.json").toString(),
                "--image-size", "32", "--out", dir.resolve("q8-again.onnx").toString(), "--plan",
                dir.resolve("q8-again.plan.json").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("q8-again.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("q8.onnx")));
    }

    @Test
    void simulatedLowBitsWithReparameterization() throws IOException {
        Path json = dir.resolve("q4.json");
        CliRun r = CliRun.of(args("q4.onnx", "--format", "simulated", "--w-bits", "4", "--a-bits", "6", "--reparam", "repq",
                "--observer", "mse", "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("format").asText()).isEqualTo("simulated");
        assertThat(j.get("reparam").asText()).isEqualTo("repq");
    }

    @Test
    void gptqAndFpcsAreRecordedAndTheirPlanRebuildsTheModelWithoutCalibration() throws IOException {
        Path json = dir.resolve("gptq.json");
        CliRun r = CliRun.of(args("gptq.onnx", "--format", "simulated", "--w-bits", "4", "--a-bits", "8", "--granularity",
                "per_group", "--group-size", "16", "--weight-method", "gptq", "--uniform-search", "fpcs", "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("weight_method").asText()).isEqualTo("gptq");
        assertThat(j.get("uniform_search").asText()).isEqualTo("fpcs");
        assertThat(j.get("granularity").asText()).isEqualTo("per_group");
        assertThat(j.get("gptq_seconds").asDouble()).isPositive();
        assertThat(j.get("search_seconds").asDouble()).isPositive();
        assertThat(Files.readString(dir.resolve("gptq.plan.json"))).contains("\"levels\"");

        CliRun again = CliRun.of("quantize", "--model", model.toString(), "--from-plan", dir.resolve("gptq.plan.json").toString(),
                "--image-size", "32", "--out", dir.resolve("gptq-again.onnx").toString(), "--plan",
                dir.resolve("gptq-again.plan.json").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("gptq-again.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("gptq.onnx")));
    }

    @Test
    void benchComparesTheQuantizedModelWithItsFloatOriginal() throws IOException {
        assertThat(CliRun.of(args("qb.onnx")).exitCode()).isZero();
        Path json = dir.resolve("bench.json");
        CliRun r = CliRun.of("bench", "--model", dir.resolve("qb.onnx").toString(), "--reference", model.toString(),
                "--batch", "1,2", "--runs", "3", "--warmup", "1", "--image-size", "32", "--quiet", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("latency_ratio_b1").asDouble()).isPositive();
        assertThat(j.get("latency_ratio_b2").asDouble()).isPositive();
        assertThat(j.get("size_ratio").asDouble()).isLessThan(0.5);
    }

    @Test
    void userErrorsLeaveNoOutputBehind() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty-calib"));
        String[][] bad = {
            {"--w-bits", "9"},
            {"--a-bits", "1"},
            {"--w-bits", "6", "--a-bits", "6"}, // 6-bit QDQ does not exist
            {"--observer", "kl"},
            {"--scheme", "vit-everything"},
            {"--granularity", "per_row"},
            {"--weight-method", "obq"},
            {"--uniform-search", "grid"},
        };
        for (String[] extra : bad) {
            CliRun r = CliRun.of(args("bad.onnx", extra));
            assertThat(r.exitCode()).as(String.join(" ", extra) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("vitshrink: ").doesNotContain("\n").doesNotContain("Exception");
        }
        CliRun noImages = CliRun.of("quantize", "--model", model.toString(), "--calib", empty.toString(), "--out",
                dir.resolve("bad.onnx").toString(), "--quiet");
        assertThat(noImages.exitCode()).isEqualTo(2);
        Path broken = Files.createDirectories(dir.resolve("broken-calib"));
        Files.writeString(broken.resolve("a.jpg"), "not a picture");
        Files.write(broken.resolve("b.png"), new byte[0]);
        CliRun unreadable = CliRun.of("quantize", "--model", model.toString(), "--calib", broken.toString(), "--preset",
                recipe.toString(), "--out", dir.resolve("bad.onnx").toString(), "--quiet", "--no-cache");
        assertThat(unreadable.exitCode()).isEqualTo(2);
        assertThat(unreadable.err()).contains("vitshrink: the calibration set gave no images");
        Path scheme = Files.writeString(dir.resolve("scheme.yaml"), "exclude:\n  nodes: [\"/blocks.9/*\"]\n");
        CliRun badScheme = CliRun.of(args("bad.onnx", "--scheme", scheme.toString()));
        assertThat(badScheme.exitCode()).isEqualTo(2);
        assertThat(badScheme.err()).contains("/blocks.9/*");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("bad") || n.endsWith(".tmp"));
        }
    }
}
