package io.vitshrink.workbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real DeiT-Tiny through the command line (skipped without ../shared): both opsets inspect the
 * same, and evaluate the same on a seeded 200-image sample of imagenet-sample-1k. The full
 * 1000-image figures come from the command in the README, not from this test.
 */
class DeitCliTest {
    @TempDir
    Path dir;

    static Path shared() {
        String prop = System.getProperty("vitshrink.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        assumeTrue(Files.isDirectory(p.resolve("models/deit-tiny")), "../shared is absent: skipping");
        return p;
    }

    @Test
    void bothOpsetsInspectAndEvaluateAlike() throws IOException {
        Path shared = shared();
        Path m17 = shared.resolve("models/deit-tiny/deit_tiny_patch16_224_in1k.onnx");
        Path m13 = shared.resolve("models/deit-tiny/deit_tiny_patch16_224_in1k_opset13.onnx");
        for (Path m : new Path[] {m17, m13}) {
            Path out = dir.resolve(m.getFileName() + ".inspect.json");
            assertThat(CliRun.of("inspect", m.toString(), "--json", out.toString()).exitCode()).isZero();
            JsonNode j = new ObjectMapper().readTree(out.toFile());
            assertThat(j.get("blocks").asInt()).isEqualTo(12);
            assertThat(j.get("params").asLong()).isEqualTo(5_717_416L);
            assertThat(j.get("macs").asLong()).isBetween(1_200_000_000L, 1_300_000_000L);
            assertThat(j.get("unrecognized").asInt()).isZero();
        }
        Path out = dir.resolve("eval.json");
        CliRun r = CliRun.of("eval", "--model", m13.toString(), "--reference", m17.toString(), "--data",
                "shared:imagenet-sample-1k", "--limit", "200", "--seed", "1", "--quiet", "--cache-dir",
                dir.resolve("cache").toString(), "--json", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.get("images").asInt()).isEqualTo(200);
        assertThat(j.get("agreement_top1").asDouble()).isEqualTo(1.0);
        assertThat(j.get("kl").asDouble()).isLessThan(1e-6);
        // the sample's accuracy is near the full set's 0.795; a broken preprocessing falls far below
        assertThat(j.get("top1").asDouble()).isGreaterThan(0.70);
    }

    @Test
    void w8a8QdqOfDeitTinyIsSmallAndAgreesWithFloat() throws IOException {
        Path shared = shared();
        Path m17 = shared.resolve("models/deit-tiny/deit_tiny_patch16_224_in1k.onnx");
        Path out = dir.resolve("w8a8.json");
        CliRun r = CliRun.of("quantize", "--model", m17.toString(), "--calib", "shared:imagenet-val-1300", "--calib-size", "64",
                "--eval", "shared:imagenet-sample-1k", "--limit", "200", "--seed", "3", "--w-bits", "8", "--a-bits", "8",
                "--observer", "minmax", "--quiet", "--cache-dir", dir.resolve("cache").toString(),
                "--out", dir.resolve("deit-w8a8.onnx").toString(), "--json", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.get("size_ratio").asDouble()).isLessThanOrEqualTo(0.30);
        assertThat(j.get("calib_images").asInt()).isEqualTo(64);
        assertThat(j.get("agreement_top1").asDouble()).isGreaterThanOrEqualTo(0.93);
        assertThat(j.get("top1_drop").asDouble()).isLessThanOrEqualTo(0.02);
    }
}
