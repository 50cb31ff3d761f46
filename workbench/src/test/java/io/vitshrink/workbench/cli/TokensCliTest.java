package io.vitshrink.workbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.prune.tokens.TokenReduction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokens} on a tiny 4-block ViT: schedules, search, JSON keys, plan replay, composition, user errors. */
class TokensCliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path calib;
    static Path evalImages;
    static Path recipe;

    @BeforeAll
    static void setUp() throws IOException {
        TinyWorkspace ws = TinyWorkspace.write(dir, TinyVitBuilder.deitLike().depth(4).width(64).heads(4).imageSize(32).patchSize(8).classes(10).seed(4), 100, 16,
                200, 32);
        model = ws.model();
        calib = ws.calib();
        evalImages = ws.eval();
        recipe = ws.recipe();
    }

    private static CliRun tokens(String out, String... extra) {
        String[] base = {"tokens", "--model", model.toString(), "--preset", recipe.toString(), "--image-size", "32",
            "--no-cache", "--quiet", "--out", dir.resolve(out).toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void evitScheduleWritesModelPlanAndKeysAndThePlanRebuildsIt() throws IOException {
        Path json = dir.resolve("evit.json");
        CliRun r = tokens("evit.onnx", "--method", "evit", "--keep", "0.5", "--at", "1,2", "--eval", evalImages.toString(),
                "--bench", "--bench-batch", "1,2", "--bench-runs", "2", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("plan_sites").asText()).isEqualTo("evit 1:8,2:5");
        assertThat(j.get("tokens_per_block").toString()).isEqualTo("[17,17,10,7]");
        assertThat(j.get("macs").asLong()).isLessThan(j.get("float_macs").asLong());
        assertThat(j.get("macs_ratio").asDouble()).isBetween(0.4, 0.9);
        assertThat(Math.abs(j.get("macs_ratio").asDouble() - j.get("estimated_macs_ratio").asDouble())).isLessThan(0.02);
        assertThat(j.get("agreement_top1").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("reference_top1").asDouble()).isEqualTo(1.0);
        assertThat(j.get("latency_ratio_b2").asDouble()).isPositive();
        assertThat(ModelIO.load(dir.resolve("evit.onnx")).metadata()).containsEntry(TokenReduction.METADATA_KEY, "evit 1:8,2:5");

        CliRun again = tokens("evit-again.onnx", "--from-plan", dir.resolve("evit.tokens.json").toString(),
                "--plan", dir.resolve("again.tokens.json").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("evit-again.onnx"))).isEqualTo(Files.readAllBytes(dir.resolve("evit.onnx")));
    }

    @Test
    void tomeSearchMeetsTheMacsTarget() throws IOException {
        Path json = dir.resolve("tome.json");
        CliRun r = tokens("tome.onnx", "--method", "tome", "--target-macs", "0.8", "--calib", calib.toString(),
                "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("search_candidates").asInt()).isPositive();
        assertThat(j.get("calib_images").asInt()).isEqualTo(16);
        assertThat(j.get("estimated_macs_ratio").asDouble()).isLessThanOrEqualTo(0.8);
        assertThat(j.get("macs_ratio").asDouble()).isLessThan(0.82);
        assertThat(j.get("search_agreement").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void semanticTokensAtOneBlock() throws IOException {
        Path json = dir.resolve("semantic.json");
        CliRun r = tokens("semantic.onnx", "--method", "semantic", "--k", "4", "--at", "1", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("tokens_per_block").toString()).isEqualTo("[17,17,5,5]");
        assertThat(j.get("plan_sites").asText()).isEqualTo("semantic 1:4");
    }

    @Test
    void quantizingAReducedModelRecordsTheTokenPlan() throws IOException {
        assertThat(tokens("evit-q.onnx", "--keep", "0.6", "--at", "1").exitCode()).isZero();
        Path json = dir.resolve("q.json");
        CliRun q = CliRun.of("quantize", "--model", dir.resolve("evit-q.onnx").toString(), "--calib", calib.toString(),
                "--preset", recipe.toString(), "--image-size", "32", "--no-cache", "--quiet",
                "--out", dir.resolve("evit-q8.onnx").toString(), "--eval", evalImages.toString(), "--json", json.toString());
        assertThat(q.exitCode()).as(q.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("token_plan").asText()).isEqualTo("evit 1:10");
        assertThat(j.get("agreement_top1").asDouble()).isGreaterThan(0.8);
    }

    @Test
    void badOptionsAreOneLineUserErrors() {
        assertUserError(tokens("x.onnx", "--keep", "1.5", "--at", "1"), "--keep");
        assertUserError(tokens("x.onnx", "--keep", "0.5", "--target-macs", "0.5", "--calib", calib.toString()), "exactly one");
        assertUserError(tokens("x.onnx", "--keep", "0.5", "--at", "9"), "block 9");
        assertUserError(tokens("x.onnx", "--method", "tome", "--keep", "0.5"), "--keep is for");
        assertUserError(tokens("x.onnx", "--method", "stvit", "--keep", "0.5"), "unknown token method");
        assertUserError(tokens("x.onnx", "--method", "semantic", "--k", "4", "--at", "1,2"), "one block");
        assertUserError(tokens("x.onnx", "--target-macs", "0.5"), "--calib");
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void hostilePlansAndPathsAreRefused() throws IOException {
        Path notAPlan = dir.resolve("not-a-plan.json");
        Files.writeString(notAPlan, "{\"kind\": \"something else\"}");
        assertUserError(tokens("y.onnx", "--from-plan", notAPlan.toString()), "not a vitshrink token plan");
        Path badSites = dir.resolve("bad-sites.json");
        Files.writeString(badSites, "{\"kind\": \"vitshrink-token-plan\", \"method\": \"evit\", \"sites\": [{\"block\": \"x\"}]}");
        assertUserError(tokens("y.onnx", "--from-plan", badSites.toString()), "integer");
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{{{");
        assertUserError(tokens("y.onnx", "--from-plan", garbage.toString()), "cannot read token plan");
        byte[] before = Files.readAllBytes(model);
        CliRun over = CliRun.of("tokens", "--model", model.toString(), "--keep", "0.5", "--at", "1", "--image-size", "32",
                "--out", model.toString());
        assertUserError(over, "never overwrites");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
        assertThat(dir.resolve("y.onnx")).doesNotExist();
    }

    private static void assertUserError(CliRun r, String mentions) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(VitshrinkCli.USER_ERROR);
        assertThat(r.err()).contains(mentions).doesNotContain("Exception").hasLineCount(1);
    }
}
