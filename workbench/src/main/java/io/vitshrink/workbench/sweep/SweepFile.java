package io.vitshrink.workbench.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vitshrink.onnx.UserException;
import io.vitshrink.workbench.quantize.FileHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep file (YAML or JSON): models, data and a list of point entries. An entry is one step or a
 * chain (a list of steps); a setting given as a list is a grid axis, and an entry expands to the
 * product of its axes over every model:
 *
 * <pre>
 * name: deit-ptq
 * models: [../shared/models/deit-tiny/deit_tiny_patch16_224_in1k.onnx]
 * data: {calib: shared:imagenet-val-1300, calib_size: 256, eval: shared:imagenet-sample-1k, eval_limit: 200}
 * points:
 *   - eval                                  # the float baseline
 *   - quantize: {bits: [W8A8, W6A6, W4A4], quantizer: [uniform, adalog], format: simulated}
 *   - [quantize: {bits: W8A8}, bench: {batch: 1}]   # a chain: bench times the quantized model
 * </pre>
 *
 * Paths (models, data folders, recipe files, {@code scheme} files) are relative to the sweep file's folder.
 *
 * @param name the sweep's name (default: the file name without extension)
 * @param points every point, in the order written, duplicates removed
 */
public record SweepFile(String name, List<SweepPoint> points) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP = Set.of("name", "models", "data", "points");
    private static final Set<String> FILE_SETTINGS = Set.of("scheme");
    private static final Set<String> DATA = Set.of("calib", "calib_size", "calib_seed", "eval", "eval_limit", "eval_seed",
            "preset", "image_size", "cache");

    public static SweepFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("sweep file '" + file + "' does not exist or is not a file");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException("sweep file '" + file + "' is not valid YAML: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new UserException("sweep file '" + file + "' must be a mapping with models, data and points");
        }
        String where = "sweep file '" + file + "'";
        checkKeys(root, TOP, where);
        Path base = file.toAbsolutePath().getParent();
        String fileName = file.getFileName().toString();
        String name = root.hasNonNull("name") ? root.get("name").asText()
                : fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        List<Path> models = models(root.get("models"), base, where);
        SweepData data = data(root.get("data"), base, where);
        JsonNode entries = root.get("points");
        if (entries == null || !entries.isArray() || entries.isEmpty()) {
            throw new UserException(where + " has no points: add a 'points:' list (e.g. '- quantize: {bits: [W8A8, W4A4]}')");
        }
        Map<String, SweepPoint> points = new LinkedHashMap<>();
        for (Path model : models) {
            String sha = FileHash.sha256(model);
            int n = 0;
            for (JsonNode entry : entries) {
                n++;
                for (List<Step> chain : GridExpansion.expand(chain(entry, where + ", point entry " + n, base))) {
                    SweepPoint p = new SweepPoint(model, sha, chain, data);
                    points.putIfAbsent(p.key(), p);
                }
            }
        }
        return new SweepFile(name, List.copyOf(points.values()));
    }

    private static List<Path> models(JsonNode node, Path base, String where) {
        List<JsonNode> items = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(items::add);
        } else if (node != null && node.isTextual()) {
            items.add(node);
        }
        if (items.isEmpty()) {
            throw new UserException(where + " names no model: add 'models: [path/to/model.onnx]'");
        }
        Set<Path> out = new LinkedHashSet<>();
        for (JsonNode m : items) {
            Path p = base.resolve(m.asText()).normalize();
            if (!Files.isRegularFile(p)) {
                throw new UserException(where + ": model '" + m.asText() + "' not found (looked at " + p + ")");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static SweepData data(JsonNode d, Path base, String where) {
        if (d == null || d.isNull()) {
            d = YAML.createObjectNode();
        }
        if (!d.isObject()) {
            throw new UserException(where + ": 'data' must be a mapping (calib, eval, eval_limit, …)");
        }
        checkKeys(d, DATA, where + " data");
        return new SweepData(dataPath(d, "calib", base), intOf(d, "calib_size", 256, where), intOf(d, "calib_seed", 0, where),
                dataPath(d, "eval", base), d.hasNonNull("eval_limit") ? intOf(d, "eval_limit", 0, where) : null,
                intOf(d, "eval_seed", 0, where), dataPath(d, "preset", base), intOf(d, "image_size", 224, where),
                !d.has("cache") || d.get("cache").asBoolean(true));
    }

    /** A data source: {@code shared:NAME} and preset names stay; anything that exists relative to the file is resolved. */
    private static String dataPath(JsonNode d, String key, Path base) {
        if (!d.hasNonNull(key)) {
            return null;
        }
        String v = d.get(key).asText();
        if (v.startsWith("shared:")) {
            return v;
        }
        Path p = base.resolve(v).normalize();
        return Files.exists(p) ? p.toString() : v;
    }

    private static int intOf(JsonNode d, String key, int fallback, String where) {
        if (!d.hasNonNull(key)) {
            return fallback;
        }
        if (!d.get(key).canConvertToInt()) {
            throw new UserException(where + ": data." + key + " must be a whole number, not '" + d.get(key).asText() + "'");
        }
        return d.get(key).asInt();
    }

    /** An entry: one step ({@code eval}, {@code quantize: {…}}) or a list of them (a chain). */
    private static List<StepGrid> chain(JsonNode entry, String where, Path base) {
        List<StepGrid> chain = new ArrayList<>();
        if (entry.isArray()) {
            int i = 0;
            for (JsonNode s : entry) {
                chain.add(step(s, where + " step " + ++i, base));
            }
        } else {
            chain.add(step(entry, where, base));
        }
        if (chain.isEmpty()) {
            throw new UserException(where + " is an empty chain");
        }
        return chain;
    }

    private static StepGrid step(JsonNode s, String where, Path base) {
        if (s.isTextual()) {
            return new StepGrid(StepKinds.get(s.asText()), Map.of());
        }
        if (!s.isObject() || s.size() != 1) {
            throw new UserException(where + " must be a step name or one 'kind: {settings}' mapping, e.g. 'quantize: {bits: W8A8}'");
        }
        String kindName = s.fieldNames().next();
        StepKind kind = StepKinds.get(kindName);
        JsonNode settings = s.get(kindName);
        Map<String, List<String>> axes = new LinkedHashMap<>();
        if (settings != null && !settings.isNull()) {
            if (!settings.isObject()) {
                throw new UserException(where + ": the settings of '" + kindName + "' must be a mapping");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!kind.settings().contains(e.getKey())) {
                    throw new UserException(where + ": " + kindName + " has no setting '" + e.getKey() + "'; it takes "
                            + new java.util.TreeSet<>(kind.settings()));
                }
                List<String> values = new ArrayList<>();
                if (e.getValue().isArray()) {
                    e.getValue().forEach(v -> values.add(settingValue(v, where, e.getKey(), base)));
                } else {
                    values.add(settingValue(e.getValue(), where, e.getKey(), base));
                }
                if (values.isEmpty()) {
                    throw new UserException(where + ": " + kindName + "." + e.getKey() + " is an empty list");
                }
                axes.put(e.getKey(), values);
            }
        }
        return new StepGrid(kind, axes);
    }

    /** A setting's value; a file setting ({@code scheme}) that exists relative to the sweep file is made absolute. */
    private static String settingValue(JsonNode v, String where, String key, Path base) {
        String s = scalar(v, where, key);
        if (FILE_SETTINGS.contains(key) && Files.isRegularFile(base.resolve(s))) {
            return base.resolve(s).normalize().toString();
        }
        return s;
    }

    private static String scalar(JsonNode v, String where, String key) {
        if (!v.isValueNode() || v.isNull()) {
            throw new UserException(where + ": " + key + " must be a value or a list of values");
        }
        return v.asText();
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new UserException(where + " has an unknown key '" + k + "'; allowed: " + new java.util.TreeSet<>(allowed));
            }
        });
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
