package io.vitshrink.workbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        TinyWorkspace ws = TinyWorkspace.write(dir, TinyVitBuilder.deitLike().depth(1).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(9), 300, 24,
                400, 48);
        model = ws.model();
        calib = ws.calib();
        evalImages = ws.eval();
        recipe = ws.recipe();
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
                args("e5", "--budget", "avg_bits=5", "--sensitivity", dir.resolve("none.json").toString()),
                args("e6", "--budget", "avg_bits=5", "--damage-exponents", "1,0"),
                args("e7", "--budget", "avg_bits=5", "--uniform-reference", "6"),
                args("e8", "--budget", "avg_bits=5", "--sensitivity-holdout", "9"),
                args("e9", "--budget", "avg_bits=5", "--eval-candidates", "some"))) {
            CliRun r = CliRun.of(bad);
            assertThat(r.exitCode()).as(String.join(" ", bad) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("vitshrink: ");
        }
    }

    @Test
    void uniformReferencesComeWithBothQuantizerKindsAndTheChoiceIsTheLeastHeldOutKl() throws IOException {
        Path json = dir.resolve("r.json");
        CliRun r = CliRun.of(args("r", "--budget", "avg_bits=6", "--eval", evalImages.toString(), "--softmax-quantizer", "adalog",
                "--gelu-quantizer", "adalog", "--uniform-reference", "4,8", "--damage-exponents", "1,0.5", "--json", json.toString()));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        // W4A4 with AdaLog is already the uniform candidate at the budget: it is the reference, not measured twice
        JsonNode refs = j.get("references");
        assertThat(refs).hasSize(4);
        List<String> seen = new java.util.ArrayList<>();
        refs.forEach(ref -> seen.add(ref.get("bits").asInt() + " " + ref.get("quantizers").asText()));
        assertThat(seen).containsExactly("4 adalog/adalog", "8 adalog/adalog", "4 uniform/uniform", "8 uniform/uniform");
        for (JsonNode ref : refs) {
            assertThat(ref.get("top1").isNumber()).isTrue();
        }
        assertThat(refs.get(1).get("kl").asDouble()).as("the two kinds are different models").isNotEqualTo(refs.get(3).get("kl").asDouble());
        Path out = dir.resolve("r");
        String plainPlan = Files.readString(out.resolve("plans").resolve(refs.get(3).get("id").asText() + ".plan.json"));
        String adalogPlan = Files.readString(out.resolve("plans").resolve(refs.get(1).get("id").asText() + ".plan.json"));
        assertThat(plainPlan).doesNotContain("adalog");
        assertThat(adalogPlan).contains("adalog");
        List<String> csv = Files.readAllLines(out.resolve("frontier.csv"));
        assertThat(csv.stream().filter(l -> l.contains(",adalog/adalog,false,true,")).count()).as("one AdaLog reference row").isEqualTo(1);
        assertThat(csv.stream().filter(l -> l.contains(",uniform/uniform,false,true,")).count()).isEqualTo(2);
        List<String> head = List.of(csv.get(0).split(","));
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
            String budgetOfRow = f[head.indexOf("budget")];
            if (row.contains(",uniform/uniform,")) {
                assertThat(f[head.indexOf("predicted_kl")]).as("the AdaLog table does not predict a uniform-quantizer plan").isEmpty();
            } else {
                assertThat(f[head.indexOf("predicted_kl")]).isNotEmpty();
            }
            if (f[head.indexOf("reference")].equals("true")) {
                assertThat(budgetOfRow).as("a reference row states its own widths")
                        .contains("w_bits=" + f[head.indexOf("avg_w_bits")].substring(0, 1) + ".000");
            }
        }

        List<String> rows = Files.readAllLines(out.resolve("frontier.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int kl = header.indexOf("heldout_kl");
        int requested = header.indexOf("requested");
        int reference = header.indexOf("reference");
        double least = Double.POSITIVE_INFINITY;
        String chosenRow = null;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.replaceAll("\"[^\"]*\"", "budget").split(",", -1);
            if (f[requested].equals("true")) {
                least = Math.min(least, Double.parseDouble(f[kl]));
                assertThat(f[header.indexOf("eval_top1")]).as("every candidate is measured on --eval").isNotEmpty();
            }
            if (row.endsWith(",true")) {
                chosenRow = row;
                assertThat(f[reference]).as("a reference is never chosen").isEqualTo("false");
                assertThat(f[requested]).isEqualTo("true");
            }
        }
        assertThat(chosenRow).isNotNull();
        assertThat(j.get("heldout_kl").asDouble()).isEqualTo(least, org.assertj.core.api.Assertions.within(1e-5 * least + 1e-12));
        assertThat(j.get("softmax_quantizer").asText()).isEqualTo("adalog");
        assertThat(j.get("quantizer_search_seconds").asDouble()).isPositive();

        // a table measured with uniform quantizers serves an AdaLog search: only the post-Softmax and
        // post-GELU units (2 in the one-block model) are measured again, to the same rows as a fresh search
        CliRun plain = CliRun.of(args("ru", "--budget", "avg_bits=6"));
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        Path jsonA = dir.resolve("ra.json");
        CliRun reused = CliRun.of(args("ra", "--budget", "avg_bits=6", "--softmax-quantizer", "adalog", "--gelu-quantizer", "adalog",
                "--sensitivity", dir.resolve("ru").resolve("sensitivity.json").toString(), "--json", jsonA.toString()));
        assertThat(reused.exitCode()).as(reused.err()).isZero();
        assertThat(new ObjectMapper().readTree(jsonA.toFile()).get("sensitivity_runs").asInt()).isEqualTo(2 * 2);
        assertThat(Files.readString(dir.resolve("ra").resolve("sensitivity.json")))
                .isEqualTo(Files.readString(out.resolve("sensitivity.json")));
        assertThat(Files.readString(dir.resolve("ru").resolve("sensitivity.json"))).contains("\"quantizer\" : \"uniform\"")
                .doesNotContain("adalog");
    }

    @Test
    void aSensitivityHoldoutMeasuresOnTheImagesOfTheSmallerSearch() throws IOException {
        CliRun small = CliRun.of(argsWithHoldout("h4", "4", "--budget", "avg_bits=6"));
        assertThat(small.exitCode()).as(small.err()).isZero();
        Path json = dir.resolve("h8.json");
        CliRun large = CliRun.of(argsWithHoldout("h8", "8", "--budget", "avg_bits=6", "--sensitivity-holdout", "4",
                "--json", json.toString()));
        assertThat(large.exitCode()).as(large.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("holdout_images").asInt()).isEqualTo(8);
        assertThat(j.get("sensitivity_holdout_images").asInt()).isEqualTo(4);
        assertThat(j.get("quantizer_search_seconds").asDouble()).as("uniform quantizers are not searched").isZero();
        assertThat(Files.readString(dir.resolve("h8").resolve("sensitivity.json")))
                .as("same four images, same table").isEqualTo(Files.readString(dir.resolve("h4").resolve("sensitivity.json")));
        // reused by an 8-image search only when it names the 4 images
        Path table = dir.resolve("h4").resolve("sensitivity.json");
        CliRun reuse = CliRun.of(argsWithHoldout("h8b", "8", "--budget", "avg_bits=6", "--sensitivity-holdout", "4",
                "--sensitivity", table.toString()));
        assertThat(reuse.exitCode()).as(reuse.err()).isZero();
        CliRun mismatch = CliRun.of(argsWithHoldout("h8c", "8", "--budget", "avg_bits=6", "--sensitivity",
                table.toString()));
        assertThat(mismatch.exitCode()).isEqualTo(2);
        assertThat(mismatch.err()).contains("--sensitivity-holdout 4");
        // --eval-candidates chosen: only the chosen candidate and the references are measured on --eval
        Path jsonC = dir.resolve("h8d.json");
        CliRun chosenOnly = CliRun.of(argsWithHoldout("h8d", "8", "--budget", "avg_bits=6", "--sensitivity-holdout", "4",
                "--sensitivity", table.toString(), "--eval", evalImages.toString(), "--eval-candidates", "chosen",
                "--uniform-reference", "8", "--json", jsonC.toString()));
        assertThat(chosenOnly.exitCode()).as(chosenOnly.err()).isZero();
        JsonNode jc = new ObjectMapper().readTree(jsonC.toFile());
        assertThat(jc.get("eval_evaluated_plans").asInt()).as("the chosen plan and uniform W8A8").isEqualTo(2);
        assertThat(jc.get("references").get(0).get("top1").isNumber()).isTrue();
        List<String> rowsC = Files.readAllLines(dir.resolve("h8d").resolve("frontier.csv"));
        int top1 = List.of(rowsC.get(0).split(",")).indexOf("eval_top1");
        for (String row : rowsC.subList(1, rowsC.size())) {
            String[] f = row.replaceAll("\"[^\"]*\"", "budget").split(",", -1);
            boolean measured = row.endsWith(",true") || f[List.of(rowsC.get(0).split(",")).indexOf("reference")].equals("true");
            assertThat(f[top1].isEmpty()).as(row).isEqualTo(!measured);
        }
    }

    private static String[] argsWithHoldout(String out, String holdout, String... extra) {
        String[] a = args(out, extra);
        for (int i = 0; i < a.length - 1; i++) {
            if (a[i].equals("--holdout")) {
                a[i + 1] = holdout;
            }
        }
        return a;
    }
}
