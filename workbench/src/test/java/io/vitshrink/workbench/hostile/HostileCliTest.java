package io.vitshrink.workbench.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitshrink.onnx.testkit.ImageLayout;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line under hostile arguments: paths that are folders, files where folders belong,
 * outputs that would overwrite an input, empty paths, negative and huge numbers, datasets with no
 * usable image or with symbolic-link cycles, and plans made for another model. Every user error is
 * exit code 2 with one line {@code vitshrink: …} (never a stack trace) and leaves no file behind.
 */
class HostileCliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path wideModel;
    static Path images;
    static Path recipe;
    static Path plan;
    static Path widePlan;
    static Path out;

    @BeforeAll
    static void setUp() throws IOException {
        TinyVitBuilder b = TinyVitBuilder.deitLike().depth(2).width(32).heads(2).imageSize(32).patchSize(8).classes(10).seed(3);
        model = b.writeTo(dir.resolve("in/tiny.onnx"));
        wideModel = TinyVitBuilder.deitLike().depth(2).width(64).heads(2).imageSize(32).patchSize(8).classes(10).seed(3)
                .writeTo(dir.resolve("in/wide.onnx"));
        images = dir.resolve("in/images");
        SyntheticImages.write(images, b.config(), 3, 12, ImageLayout.FLAT_WITH_LABELS);
        recipe = Files.writeString(dir.resolve("in/recipe.yaml"), "base: imagenet-deit\nname: tiny\nresize: 32\ncrop: 32\n");
        out = Files.createDirectories(dir.resolve("out"));
        Path made = Files.createDirectories(dir.resolve("made"));
        plan = made.resolve("tiny.plan.json");
        widePlan = made.resolve("wide.plan.json");
        for (Path[] mp : new Path[][] {{model, plan}, {wideModel, widePlan}}) {
            Cli r = Cli.run("quantize", "--model", mp[0].toString(), "--calib", images.toString(), "--preset", recipe.toString(),
                    "--image-size", "32", "--calib-size", "8", "--reparam", "none", "--no-cache", "--quiet",
                    "--out", made.resolve(mp[0].getFileName()).toString(), "--plan", mp[1].toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
    }

    /** Runs, expects a user error with exactly {@code message}, and checks that nothing was written. */
    static Cli refused(String message, String... args) throws IOException {
        Set<String> before = listing();
        Cli r = Cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errorLines()).as(r.toString()).containsExactly("vitshrink: " + message);
        assertThat(r.err()).as(r.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(listing()).as("no file written by " + r).isEqualTo(before);
        return r;
    }

    /** Every file under the test folder, except what the fixtures made. */
    static Set<String> listing() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    static String[] eval(String... extra) {
        return Stream.concat(Stream.of("eval", "--model", model.toString(), "--data", images.toString(), "--preset",
                recipe.toString(), "--no-cache", "--quiet"), Stream.of(extra)).toArray(String[]::new);
    }

    static String[] quantize(String... extra) {
        return Stream.concat(Stream.of("quantize", "--model", model.toString(), "--calib", images.toString(), "--preset",
                recipe.toString(), "--image-size", "32", "--no-cache", "--quiet"), Stream.of(extra))
                .toArray(String[]::new);
    }

    static String[] fromPlan(Path planFile, String... extra) {
        return Stream.concat(Stream.of("quantize", "--model", model.toString(), "--from-plan", planFile.toString(),
                "--image-size", "32", "--out", out.resolve("q.onnx").toString()), Stream.of(extra)).toArray(String[]::new);
    }

    @Test
    void pathsThatAreFoldersOrLeadThroughFiles() throws IOException {
        Path folder = Files.createDirectories(out.resolve("a-folder"));
        refused("'" + folder + "' is a folder, not an ONNX model file", "inspect", folder.toString());
        refused("'" + folder + "' is a folder, not an ONNX model file", eval("--reference", folder.toString()));
        refused(images.resolve("labels.txt") + " is neither a folder nor a dataset manifest (.json, .yaml, .yml)",
                "eval", "--model", model.toString(), "--data", images.resolve("labels.txt").toString());
        refused("--json '" + folder + "' is a folder; give a file path (e.g. " + folder.resolve("result") + ")",
                eval("--json", folder.toString()));
        refused("--json '" + recipe.resolve("r.json") + "' cannot be written: '" + recipe + "' is a file, not a folder",
                eval("--json", recipe.resolve("r.json").toString()));
        refused("--out '" + folder + "' is a folder; give a file path (e.g. " + folder.resolve("result") + ")",
                quantize("--out", folder.toString()));
        refused("--json is empty; give the path of the file to write", "inspect", model.toString(), "--json", "");
        refused("--out is empty; give the path of the file to write", quantize("--out", ""));
        refused("plan '" + folder + "' is a folder; give the path of a plan .json file", fromPlan(folder));
        refused("plan '" + out.resolve("none.json") + "' does not exist", fromPlan(out.resolve("none.json")));
        refused("plan '/dev/zero' is not a regular file; give the path of a plan .json file", fromPlan(Path.of("/dev/zero")));
        refused("--out '" + recipe + "' is a file; the demo writes a folder of files: give a folder path",
                "demo", "--out", recipe.toString());
    }

    @Test
    void outputsThatWouldOverwriteAnInputOrEachOther() throws IOException {
        String never = "; vitshrink never overwrites its inputs, choose another path";
        refused("--out '" + model + "' is the input model (--model)" + never, quantize("--out", model.toString()));
        refused("--plan '" + model + "' is the input model (--model)" + never,
                quantize("--out", out.resolve("q.onnx").toString(), "--plan", model.toString()));
        refused("--json '" + model + "' is the input model (--model)" + never,
                quantize("--out", out.resolve("q.onnx").toString(), "--json", model.toString()));
        refused("--json '" + recipe + "' is the preprocessing recipe (--preset)" + never,
                quantize("--out", out.resolve("q.onnx").toString(), "--json", recipe.toString()));
        refused("--plan '" + plan + "' is the input plan (--from-plan)" + never, fromPlan(plan, "--plan", plan.toString()));
        refused("--json '" + out.resolve("q.onnx") + "' is also the --out file; give each output its own path",
                quantize("--out", out.resolve("q.onnx").toString(), "--json", out.resolve("q.onnx").toString()));
        refused("--json '" + model + "' is the input model (--model)" + never, eval("--json", model.toString()));
        refused("--json '" + wideModel + "' is the reference model (--reference)" + never,
                eval("--reference", wideModel.toString(), "--json", wideModel.toString()));
        refused("--json '" + model + "' is the input model" + never, "inspect", model.toString(), "--json", model.toString());
        refused("--json '" + model + "' is the input model (--model)" + never,
                "bench", "--model", model.toString(), "--runs", "1", "--json", model.toString());
        // a link to the model is the model
        Path link = Files.createSymbolicLink(out.resolve("link.onnx"), model);
        refused("--out '" + link + "' is the input model (--model)" + never, quantize("--out", link.toString()));
        Files.delete(link);
    }

    @Test
    void negativeAndHugeNumbers() throws IOException {
        refused("--image-size must be between 1 and 4096, not 0", "inspect", model.toString(), "--image-size", "0");
        refused("--image-size must be between 1 and 4096, not 100000", "bench", "--model", model.toString(),
                "--image-size", "100000");
        refused("--image-size must be between 1 and 4096, not -5", "quantize", "--model", model.toString(), "--from-plan",
                plan.toString(), "--out", out.resolve("q.onnx").toString(), "--image-size", "-5");
        refused("--limit must be at least 1, not 0", eval("--limit", "0"));
        refused("--batch-size must be between 1 and 4096, not 100000", eval("--batch-size", "100000"));
        refused("--workers must be 0 (one per core) or a count up to 1024, not 100000", eval("--workers", "100000"));
        refused("--threads must be 0 (automatic) or a count up to 1024, not -1", eval("--threads", "-1"));
        refused("--max-megapixels must be between 0 and 10000, not -1.0", eval("--max-megapixels", "-1"));
        refused("--runs must be ≥ 1 and --warmup ≥ 0", "bench", "--model", model.toString(), "--runs", "0");
        refused("--batch sizes must be between 1 and 4096, not -8", "bench", "--model", model.toString(), "--batch", "1,-8");
        refused("--limit must be at least 1, not 0", "bench", "--model", model.toString(), "--data", images.toString(),
                "--limit", "0");
        refused("--calib-size must be at least 1, not -3", quantize("--out", out.resolve("q.onnx").toString(),
                "--calib-size", "-3"));
        refused("per-group weights need a group size (32, 64 or 128), not -4", quantize("--out",
                out.resolve("q.onnx").toString(), "--granularity", "per_group", "--group-size", "-4"));
        refused("--images must be between 1 and 10000, not 0", "demo", "--out", out.resolve("demo").toString(), "--images", "0");
        // a number picocli cannot even parse: its own message, then a hint
        Cli r = Cli.run(eval("--limit", "99999999999"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errorLines()).containsExactly("vitshrink: Invalid value for option '--limit': '99999999999' is not an int",
                "Run 'vitshrink eval --help' for the options.");
    }

    @Test
    void datasetsWithoutUsableImagesOrWithLinkCyclesOrEndlessFiles() throws IOException {
        Path broken = Files.createDirectories(out.resolve("broken"));
        Files.createFile(broken.resolve("a.jpg"));
        Files.writeString(broken.resolve("b.png"), "not a picture");
        refused("none of the 2 images of broken could be read (e.g. a.jpg: empty file (0 bytes)); evaluation needs"
                + " decodable images", "eval", "--model", model.toString(), "--data", broken.toString(), "--preset",
                recipe.toString(), "--no-cache", "--quiet");
        refused("none of the 2 images of " + broken + " could be read (see the warnings above); --data needs decodable images",
                "bench", "--model", model.toString(), "--runs", "1", "--warmup", "0", "--quiet", "--data", broken.toString(),
                "--preset", recipe.toString());
        refused("the calibration set gave no images (all skipped or empty)",
                "quantize", "--model", model.toString(), "--calib", broken.toString(), "--preset", recipe.toString(),
                "--image-size", "32", "--no-cache", "--quiet", "--out", out.resolve("q.onnx").toString());

        // preprocessing for another input size is named before any image is decoded
        refused("the model's input 'pixel_values' takes 32×32 images, but preprocessing 'imagenet-deit' gives 224×224;"
                + " pass --preset with a recipe whose crop is 32 (see README: preprocessing recipes)",
                "eval", "--model", model.toString(), "--data", images.toString(), "--no-cache", "--quiet");

        // manifests: a folder that is not there, an endless labels file, a symbolic-link cycle
        Path sets = Files.createDirectories(out.resolve("sets"));
        Path missing = Files.writeString(sets.resolve("missing.yaml"), "folder: nowhere\n");
        refused(missing + ": field 'folder': " + sets.resolve("nowhere") + " does not exist",
                "eval", "--model", model.toString(), "--data", missing.toString(), "--preset", recipe.toString());
        Files.createSymbolicLink(sets.resolve("zero.txt"), Path.of("/dev/zero"));
        Path zero = Files.writeString(sets.resolve("zero.yaml"), "folder: " + images + "\nlabels: zero.txt\n");
        refused("labels file " + sets.resolve("zero.txt") + " is not a regular file; give a text file of"
                + " '<file> <class index>' lines", "eval", "--model", model.toString(), "--data", zero.toString());

        Path cyclic = Files.createDirectories(sets.resolve("cyclic"));
        for (String cls : List.of("cat", "dog")) {
            Path c = Files.createDirectories(cyclic.resolve(cls));
            try (Stream<Path> s = Files.list(images)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".png")).limit(2).toList()) {
                    Files.copy(p, c.resolve(p.getFileName()));
                }
            }
            Files.createSymbolicLink(c.resolve("up"), Path.of(".."));
            Files.createSymbolicLink(c.resolve("again"), Path.of(".."));
        }
        Path manifest = Files.writeString(sets.resolve("cyclic.yaml"), "folder: cyclic\nlayout: class-folders\n");
        Path json = out.resolve("cyclic.json");
        Cli r = Cli.run("eval", "--model", model.toString(), "--data", manifest.toString(), "--preset", recipe.toString(),
                "--no-cache", "--quiet", "--json", json.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(new ObjectMapper().readTree(json.toFile()).get("images").asInt()).as("each image once").isEqualTo(4);
        Files.delete(json);
    }

    @Test
    void plansMadeForAnotherModel() throws IOException {
        refused("weight 'patch_embed.proj.weight' of shape [32, 3, 8, 8] needs 32 scales per_channel on axis 0, but the plan"
                + " has 64", fromPlan(widePlan));
        ObjectMapper json = new ObjectMapper();
        String[][] edits = {
            {"tensor", "blocks.9.attn.qkv.weight", "the quantization plan names tensor 'blocks.9.attn.qkv.weight', which the"
                    + " model does not have; was the plan made for another model?"},
            {"consumers", "/blocks.9/attn/qkv/MatMul", "the plan routes 'patch_embed.proj.weight' through node"
                    + " '/blocks.9/attn/qkv/MatMul', which the model does not have"},
            {"bits", "4294967304", "plan '%s' tensors[0] ('patch_embed.proj.weight'): 'bits' is missing or not a whole number"},
            {"zero_point", "x", "plan '%s' tensors[0] ('patch_embed.proj.weight'): 'zero_point' holds \"x\", not a whole"
                    + " number"},
        };
        for (String[] e : edits) {
            ObjectNode root = (ObjectNode) json.readTree(plan.toFile());
            ObjectNode t0 = (ObjectNode) root.get("tensors").get(0);
            switch (e[0]) {
                case "tensor" -> t0.put("tensor", e[1]);
                case "consumers" -> t0.putArray("consumers").add(e[1]);
                case "bits" -> t0.put("bits", Long.parseLong(e[1]));
                default -> ((ArrayNode) t0.get("zero_point")).set(0, e[1]);
            }
            Path edited = Files.writeString(out.resolve("edited.plan.json"), json.writeValueAsString(root));
            refused(e[2].replace("%s", edited.toString()), fromPlan(edited));
            Files.delete(edited);
        }

        // a structurally valid entry ONNX Runtime cannot run: an int64 shape constant quantized as an activation
        ObjectNode root = (ObjectNode) json.readTree(plan.toFile());
        io.vitshrink.onnx.model.Model m = io.vitshrink.onnx.io.ModelIO.load(model);
        String shapeConstant = m.graph().nodes().stream().filter(n -> n.is("Reshape")).map(n -> n.input(1))
                .filter(v -> m.graph().constant(v).isPresent()).findFirst().orElseThrow();
        String reshape = m.graph().consumers(shapeConstant).get(0).name();
        ObjectNode t = ((ArrayNode) root.get("tensors")).addObject();
        t.put("tensor", shapeConstant).put("role", "activation").putArray("consumers").add(reshape);
        t.put("quantizer", "uniform").put("bits", 8).put("signed", false).put("symmetric", false)
                .put("granularity", "per_tensor").put("group_size", 0).put("axis", -1);
        t.putArray("scale").add(0.5);
        t.putArray("zero_point").add(0);
        Path edited = Files.writeString(out.resolve("int.plan.json"), json.writeValueAsString(root));
        Set<String> before = listing();
        Cli r = Cli.run(fromPlan(edited));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.errorLines()).hasSize(1);
        assertThat(r.errorLines().get(0)).as(r.toString()).startsWith("vitshrink: the plan " + edited + " does not fit tiny.onnx:"
                + " the rebuilt model does not run (ONNX Runtime cannot load the model: ");
        assertThat(listing()).isEqualTo(before);
        Files.delete(edited);
    }

    @Test
    void aSchemeFilesGranularityIsNotSilentlyReplacedByTheCommandLineDefault() throws IOException {
        Path scheme = Files.writeString(out.resolve("per-tensor.yaml"), "granularity: per_tensor\n");
        Path q = out.resolve("pt.onnx");
        Cli r = Cli.run(quantize("--reparam", "none", "--scheme", scheme.toString(), "--out", q.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode p = new ObjectMapper().readTree(out.resolve("pt.plan.json").toFile());
        for (com.fasterxml.jackson.databind.JsonNode t : p.get("tensors")) {
            if (t.get("role").asText().equals("weight")) {
                assertThat(t.get("granularity").asText()).as(t.get("tensor").asText()).isEqualTo("per_tensor");
            }
        }
        for (Path f : List.of(scheme, q, out.resolve("pt.plan.json"))) {
            Files.delete(f);
        }
    }

    @Test
    void unreadableInputs() throws IOException {
        Path locked = Files.copy(model, out.resolve("locked.onnx"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(locked), "permissions are not enforced for this user (root)");
            refused("cannot read '" + locked + "': " + locked, "inspect", locked.toString());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-------"));
            Files.delete(locked);
        }
    }

    @Test
    void reportActivationInputs() throws IOException {
        Path db = dir.resolve("made/report.db");
        if (!Files.exists(db)) {
            Cli e = Cli.run(eval("--db", db.toString()));
            assertThat(e.exitCode()).as(e.toString()).isZero();
        }
        String[] base = {"report", "--db", db.toString(), "--out", out.resolve("report").toString(), "--preset",
            recipe.toString(), "--image-size", "32", "--no-cache", "--calib", images.toString(), "--activations"};
        Path text = Files.writeString(out.resolve("text.onnx"), "not a model\n");
        try {
            Cli r = Cli.run(concat(base, text.toString()));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.errorLines()).hasSize(1).first().asString().startsWith("vitshrink: '" + text + "' is not an ONNX model");
            assertThat(out.resolve("report")).doesNotExist();
        } finally {
            Files.delete(text);
        }
        refused("--activation-bits must be between 2 and 8, not 1", concat(base, model.toString(), "--activation-bits", "1"));
        refused("--calib-size must be between 1 and 1024, not 0", concat(base, model.toString(), "--calib-size", "0"));
        refused("the model has no tensor named 'nope'", concat(base, model.toString(), "--tensor", "nope"));
        refused("report samples --calib-size images of --calib; --limit does not apply here",
                concat(base, model.toString(), "--limit", "3"));
        Path broken = Files.createDirectories(out.resolve("broken-calib"));
        Files.writeString(broken.resolve("b.png"), "not a picture");
        try {
            Cli r = Cli.run("report", "--db", db.toString(), "--out", out.resolve("report").toString(), "--preset",
                    recipe.toString(), "--image-size", "32", "--no-cache", "--calib", broken.toString(), "--activations",
                    model.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(out.resolve("report")).doesNotExist();
        } finally {
            Files.delete(broken.resolve("b.png"));
            Files.delete(broken);
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
