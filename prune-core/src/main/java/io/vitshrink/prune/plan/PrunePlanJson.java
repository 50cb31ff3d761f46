package io.vitshrink.prune.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.prune.weights.SparsityPattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Prune plan files (JSON). Reading checks every field and names the bad one. */
public final class PrunePlanJson {
    /** Bumped when the layout changes incompatibly. */
    public static final int VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper READER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private PrunePlanJson() {
    }

    public static String toJson(PrunePlan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("prune_plan_version", VERSION);
        root.put("method", plan.method());
        root.put("source_model", plan.sourceModel());
        root.put("source_sha256", plan.sourceSha256());
        root.put("tool_version", plan.toolVersion());
        root.set("settings", MAPPER.valueToTree(new TreeMap<>(plan.settings())));
        ArrayNode layers = root.putArray("layers");
        for (LayerMask l : plan.layers()) {
            ObjectNode o = layers.addObject();
            o.put("linear", l.linear());
            o.put("weight", l.weight());
            o.put("out", l.out());
            o.put("in", l.in());
            o.put("pattern", l.pattern().toString());
            o.put("sparsity", l.sparsity());
            o.put("mask", l.mask());
        }
        ArrayNode cuts = root.putArray("cuts");
        for (BlockCut c : plan.cuts()) {
            ObjectNode o = cuts.addObject();
            o.put("block", c.block());
            if (c.keptHeads() != null) {
                ArrayNode a = o.putArray("kept_heads");
                c.keptHeads().forEach(a::add);
            }
            if (c.keptChannels() != null) {
                ArrayNode a = o.putArray("kept_channels");
                c.keptChannels().forEach(a::add);
            }
        }
        root.set("quantization", MAPPER.valueToTree(new TreeMap<>(plan.quantization())));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(PrunePlan plan, Path file) {
        AtomicFiles.writeString(file, toJson(plan));
    }

    public static PrunePlan read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UserException("cannot read the prune plan " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (UserException e) {
            throw new UserException("prune plan " + file + ": " + e.getMessage(), e);
        }
    }

    public static PrunePlan parse(String text) {
        JsonNode root;
        try {
            root = READER.readTree(text);
        } catch (IOException e) {
            throw new UserException("not valid JSON (" + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new UserException("not a prune plan (expected a JSON object)");
        }
        int version = root.path("prune_plan_version").asInt(-1);
        if (version != VERSION) {
            throw new UserException("prune_plan_version " + root.path("prune_plan_version") + " is not supported (this vitshrink reads "
                    + VERSION + ")");
        }
        List<LayerMask> layers = new ArrayList<>();
        for (JsonNode o : array(root, "layers")) {
            String linear = text(o, "linear");
            int out = positive(o, "out", linear);
            int in = positive(o, "in", linear);
            SparsityPattern p = SparsityPattern.parse(text(o, "pattern"), "layer '" + linear + "' pattern");
            LayerMask l = new LayerMask(linear, text(o, "weight"), out, in, p, o.path("sparsity").asDouble(), text(o, "mask"));
            try {
                l.toMask();
            } catch (IllegalArgumentException e) {
                throw new UserException("layer '" + linear + "': bad mask (" + e.getMessage() + ")");
            }
            layers.add(l);
        }
        List<BlockCut> cuts = new ArrayList<>();
        for (JsonNode o : array(root, "cuts")) {
            if (!o.path("block").isInt() || o.path("block").asInt() < 0) {
                throw new UserException("a cut has no valid 'block' index");
            }
            cuts.add(new BlockCut(o.get("block").asInt(), indices(o, "kept_heads"), indices(o, "kept_channels")));
        }
        return new PrunePlan(text(root, "method"), root.path("source_model").asText(""), root.path("source_sha256").asText(""),
                root.path("tool_version").asText(""), flat(root, "settings"), layers, cuts, flat(root, "quantization"));
    }

    private static Iterable<JsonNode> array(JsonNode root, String key) {
        JsonNode a = root.get(key);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new UserException("'" + key + "' must be an array");
        }
        return a;
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isTextual()) {
            throw new UserException("missing or non-text '" + key + "'");
        }
        return v.asText();
    }

    private static int positive(JsonNode o, String key, String where) {
        JsonNode v = o.get(key);
        if (v == null || !v.isInt() || v.asInt() < 1) {
            throw new UserException("layer '" + where + "': '" + key + "' must be a positive integer");
        }
        return v.asInt();
    }

    private static List<Integer> indices(JsonNode o, String key) {
        JsonNode a = o.get(key);
        if (a == null || a.isNull()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode v : a) {
            if (!v.isInt() || v.asInt() < 0 || !out.isEmpty() && v.asInt() <= out.get(out.size() - 1)) {
                throw new UserException("'" + key + "' must list ascending non-negative indices");
            }
            out.add(v.asInt());
        }
        if (out.isEmpty()) {
            throw new UserException("'" + key + "' keeps nothing; a block needs at least one head and one channel");
        }
        return out;
    }

    private static Map<String, Object> flat(JsonNode root, String key) {
        Map<String, Object> m = new LinkedHashMap<>();
        JsonNode o = root.get(key);
        if (o == null || o.isNull()) {
            return m;
        }
        if (!o.isObject()) {
            throw new UserException("'" + key + "' must be an object");
        }
        o.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            m.put(e.getKey(), v.isIntegralNumber() ? (Object) v.asLong() : v.isNumber() ? (Object) v.asDouble()
                    : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
        });
        return m;
    }
}
