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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on the test kit's tiny ViT: results, JSON keys, exit codes and one-line errors. */
class CliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path images;
    static Path recipe;

    @BeforeAll
    static void writeTinyModelAndImages() throws IOException {
        TinyVitBuilder b = TinyVitBuilder.deitLike().depth(2).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(3);
        model = b.writeTo(dir.resolve("tiny.onnx"));
        images = dir.resolve("images");
        SyntheticImages.write(images, b.config(), 3, 24, ImageLayout.FLAT_WITH_LABELS);
        recipe = dir.resolve("recipe.yaml");
        Files.writeString(recipe, "base: imagenet-deit\nname: tiny\nresize: 32\ncrop: 32\n");
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void inspectReportsStructureAndCost() throws IOException {
        Path out = dir.resolve("inspect.json");
        CliRun r = CliRun.of("inspect", model.toString(), "--image-size", "32", "--json", out.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("2 blocks").contains("unrecognized: none");
        JsonNode j = json(out);
        assertThat(j.get("blocks").asInt()).isEqualTo(2);
        assertThat(j.get("heads").asInt()).isEqualTo(2);
        assertThat(j.get("tokens").asInt()).isEqualTo(17);
        assertThat(j.get("params").asLong()).isEqualTo(TinyVitBuilder.deitLike().depth(2).width(32).heads(2)
                .imageSize(32).patchSize(8).classes(10).config().parameterCount());
        assertThat(j.get("macs").asLong()).isPositive();
        assertThat(j.get("block_macs")).hasSize(2);
        assertThat(j.get("unrecognized").asInt()).isZero();
    }

    @Test
    void evalScoresTheModelOnItsOwnLabelsAndAgreesWithItself() throws IOException {
        Path out = dir.resolve("eval.json");
        CliRun r = CliRun.of("eval", "--model", model.toString(), "--data", images.toString(), "--preset", recipe.toString(),
                "--reference", model.toString(), "--no-cache", "--quiet", "--json", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = json(out);
        assertThat(j.get("images").asInt()).isEqualTo(24);
        assertThat(j.get("skipped_images").asInt()).isZero();
        assertThat(j.get("top1").asDouble()).isEqualTo(1.0);
        assertThat(j.get("agreement_top1").asDouble()).isEqualTo(1.0);
        assertThat(j.get("kl").asDouble()).isLessThan(1e-9);
        assertThat(j.get("logit_cosine").asDouble()).isGreaterThan(0.999999);
        assertThat(j.get("images_per_s").asDouble()).isPositive();
    }

    @Test
    void evalWithoutReferenceWritesNullFidelityKeys() throws IOException {
        Path out = dir.resolve("eval-noref.json");
        CliRun r = CliRun.of("eval", "--model", model.toString(), "--data", images.toString(), "--preset", recipe.toString(),
                "--limit", "10", "--no-cache", "--quiet", "--json", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = json(out);
        assertThat(j.get("images").asInt()).isEqualTo(10);
        assertThat(j.get("agreement_top1").isNull()).isTrue();
        assertThat(j.get("top5").asDouble()).isEqualTo(1.0);
    }

    @Test
    void benchWritesLatencyPerBatch() throws IOException {
        Path out = dir.resolve("bench.json");
        CliRun r = CliRun.of("bench", "--model", model.toString(), "--batch", "1,4", "--runs", "3", "--warmup", "1",
                "--image-size", "32", "--quiet", "--json", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = json(out);
        for (String key : new String[] {"latency_ms_p50", "latency_ms_p50_b1", "latency_ms_p50_b4", "images_per_s_b4",
            "latency_ms_p90_b1"}) {
            assertThat(j.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(j.get("batch").asInt()).isEqualTo(1);
    }

    @Test
    void demoRunsEndToEndIntoItsFolder() {
        Path out = dir.resolve("demo");
        CliRun r = CliRun.of("demo", "--out", out.toString(), "--images", "12");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out.resolve("tiny-vit.onnx")).exists();
        assertThat(out.resolve("inspect.json")).exists();
        assertThat(out.resolve("eval.json")).exists();
        assertThat(out.resolve("sweep.yaml")).exists();
        assertThat(out.resolve("results.db")).exists();
        assertThat(out.resolve("report").resolve("index.html")).content().contains("<svg class=\"chart\"")
                .contains("W4A4 log2").contains("W8A8 uniform format=qdq")
                .contains("Per-layer sensitivity: search tiny-vit.onnx").contains("Activation histogram, 4-bit levels")
                .contains("AdaLog levels (error");
        assertThat(out.resolve("search").resolve("chosen.onnx")).exists();
        assertThat(r.out()).contains("top-1       1.0000").contains("10 points: 10 ok, 0 failed");
    }

    @Test
    void missingModelIsOneLineUserError() {
        Path out = dir.resolve("never.json");
        CliRun r = CliRun.of("inspect", dir.resolve("nope.onnx").toString(), "--json", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("vitshrink: model file '" + dir.resolve("nope.onnx") + "' does not exist");
        assertThat(out).doesNotExist();
    }

    @Test
    void textFileIsNotAModel() throws IOException {
        Path txt = Files.writeString(dir.resolve("notes.onnx"), "hello, I am not a model\n");
        CliRun r = CliRun.of("eval", "--model", txt.toString(), "--data", images.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("vitshrink: ").contains("is not an ONNX model").doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void unknownPresetIsOneLineUserError() {
        CliRun r = CliRun.of("eval", "--model", model.toString(), "--data", images.toString(), "--preset", "imagenet-vgg");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("vitshrink: unknown preset 'imagenet-vgg': use one of "
                + "[imagenet-deit, imagenet-inception] or the path of a JSON/YAML recipe file");
    }

    @Test
    void folderWithoutImagesIsAUserErrorAndNoJsonIsWritten() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path out = dir.resolve("empty.json");
        CliRun r = CliRun.of("eval", "--model", model.toString(), "--data", empty.toString(), "--json", out.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("vitshrink: ").doesNotContain("\n");
        assertThat(out).doesNotExist();
    }

    @Test
    void badOptionValuesAreUserErrors() {
        assertThat(CliRun.of("bench", "--model", model.toString(), "--batch", "0").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("bench", "--model", model.toString(), "--runs", "0").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("eval", "--model", model.toString(), "--data", images.toString(), "--limit", "0").exitCode())
                .isEqualTo(2);
        CliRun unknown = CliRun.of("inspect", model.toString(), "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void inputModelIsNeverModified() throws IOException {
        byte[] before = Files.readAllBytes(model);
        long mtime = Files.getLastModifiedTime(model).toMillis();
        CliRun.of("inspect", model.toString());
        CliRun.of("bench", "--model", model.toString(), "--runs", "1", "--warmup", "0", "--batch", "1", "--image-size", "32");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(model).toMillis()).isEqualTo(mtime);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
