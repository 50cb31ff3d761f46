package io.vitshrink.quant.plan;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.quant.nonuniform.NonUniformQuantizer;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformSpec;
import io.vitshrink.quant.reparam.Reparameterization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plan files. Floats are written with Java's shortest round-trip representation, so a plan read
 * back gives bit-identical scales. Reading checks every field and names the bad one.
 */
public final class PlanJson {
    /** Bumped when the layout changes incompatibly. */
    public static final int VERSION = 1;
    // Exact decimals on reading, so that each scale parses straight to the float it was written from
    // (going through double first could round twice).
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Like {@link #MAPPER}, and a key given twice is an error rather than the last one silently winning. */
    private static final ObjectMapper READER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> TOP_KEYS = Set.of("plan_version", "format", "source_model", "source_sha256",
            "tool_version", "settings", "reparameterizations", "tensors");
    private static final Set<String> TENSOR_KEYS = Set.of("tensor", "role", "consumers", "quantizer", "bits", "signed",
            "symmetric", "granularity", "group_size", "axis", "scale", "zero_point", "parameters", "levels");

    private PlanJson() {
    }

    public static String toJson(QuantPlan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("plan_version", VERSION);
        root.put("format", plan.format());
        root.put("source_model", plan.sourceModel());
        root.put("source_sha256", plan.sourceSha256());
        root.put("tool_version", plan.toolVersion());
        root.set("settings", MAPPER.valueToTree(new java.util.TreeMap<>(plan.settings())));
        ArrayNode reps = root.putArray("reparameterizations");
        for (Reparameterization r : plan.reparameterizations()) {
            ObjectNode o = reps.addObject();
            o.put("kind", r.kind());
            o.put("norm", r.norm());
            ArrayNode lin = o.putArray("linears");
            r.linears().forEach(lin::add);
            ArrayNode sc = o.putArray("scale");
            for (float f : r.scale()) {
                sc.add(f);
            }
            ArrayNode sh = o.putArray("shift");
            for (float f : r.shift()) {
                sh.add(f);
            }
        }
        ArrayNode tensors = root.putArray("tensors");
        for (TensorQuantization t : plan.tensors()) {
            ObjectNode o = tensors.addObject();
            o.put("tensor", t.tensor());
            o.put("role", t.role().key());
            ArrayNode cons = o.putArray("consumers");
            t.consumers().forEach(cons::add);
            o.put("quantizer", t.kind());
            o.put("bits", t.bits());
            if (!t.isUniform()) {
                o.set("parameters", MAPPER.valueToTree(new java.util.TreeMap<>(t.nonUniform().parameters())));
                continue;
            }
            UniformParams p = t.params();
            UniformSpec s = p.spec();
            o.put("signed", s.signed());
            o.put("symmetric", s.symmetric());
            o.put("granularity", s.granularity().key());
            o.put("group_size", s.groupSize());
            o.put("axis", p.axis());
            ArrayNode scale = o.putArray("scale");
            for (float f : p.scale()) {
                scale.add(f);
            }
            ArrayNode zp = o.putArray("zero_point");
            for (int z : p.zeroPoint()) {
                zp.add(z);
            }
            if (t.hasLevels()) {
                o.put("levels", LevelCodec.encode(t.levels()));
            }
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(QuantPlan plan, Path file) {
        AtomicFiles.writeString(file, toJson(plan));
    }

    public static QuantPlan read(Path file) {
        String where = "plan '" + file + "'";
        if (!Files.exists(file)) {
            throw new UserException(where + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException(where + " is " + (Files.isDirectory(file) ? "a folder" : "not a regular file")
                    + "; give the path of a plan .json file");
        }
        JsonNode root;
        try {
            root = READER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UserException("cannot read " + where + ": " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new UserException(where + " is not a JSON object");
        }
        checkKeys(root, TOP_KEYS, where);
        int version = root.path("plan_version").asInt(-1);
        if (version != VERSION) {
            throw new UserException(where + " has plan_version " + root.path("plan_version").asText("(none)")
                    + "; this vitshrink reads version " + VERSION);
        }
        String format = text(root, "format", where);
        if (!format.equals("qdq") && !format.equals("simulated")) {
            throw new UserException(where + ": 'format' must be qdq or simulated, not '" + format + "'");
        }
        JsonNode settingsNode = root.get("settings");
        if (settingsNode != null && !settingsNode.isNull() && !settingsNode.isObject()) {
            throw new UserException(where + ": 'settings' must be an object of name: value pairs, not "
                    + settingsNode.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        Map<String, Object> settings = settingsNode != null && settingsNode.isObject()
                ? MAPPER.convertValue(settingsNode, new TypeReference<LinkedHashMap<String, Object>>() { })
                : Map.of();
        List<Reparameterization> reparams = new ArrayList<>();
        if (root.has("reparameterizations")) {
            int r = 0;
            for (JsonNode rep : array(root, "reparameterizations", where)) {
                reparams.add(reparameterization(rep, where + " reparameterizations[" + r++ + "]"));
            }
        }
        JsonNode ts = root.get("tensors");
        if (ts == null || !ts.isArray()) {
            throw new UserException(where + ": 'tensors' must be a list");
        }
        List<TensorQuantization> tensors = new ArrayList<>();
        int i = 0;
        for (JsonNode t : ts) {
            tensors.add(tensor(t, where + " tensors[" + i++ + "]"));
        }
        return new QuantPlan(format, root.path("source_model").asText(""), root.path("source_sha256").asText(""),
                root.path("tool_version").asText(""), settings, reparams, tensors);
    }

    private static TensorQuantization tensor(JsonNode t, String where) {
        if (!t.isObject()) {
            throw new UserException(where + " is not an object");
        }
        checkKeys(t, TENSOR_KEYS, where);
        String name = text(t, "tensor", where);
        String roleText = text(t, "role", where);
        TensorRole role = switch (roleText) {
            case "weight" -> TensorRole.WEIGHT;
            case "activation" -> TensorRole.ACTIVATION;
            default -> throw new UserException(where + ": 'role' must be weight or activation, not '" + roleText + "'");
        };
        String kind = t.path("quantizer").asText("uniform");
        if (!kind.equals("uniform")) {
            if (role != TensorRole.ACTIVATION) {
                throw new UserException(where + ": quantizer '" + kind + "' is for activations, but '" + name + "' is a weight");
            }
            JsonNode params = t.get("parameters");
            if (params == null || !params.isObject()) {
                throw new UserException(where + ": quantizer '" + kind + "' needs a 'parameters' object");
            }
            List<String> cons = strings(t, "consumers", where);
            Map<String, Object> values = MAPPER.convertValue(params, new TypeReference<LinkedHashMap<String, Object>>() { });
            try {
                return TensorQuantization.nonUniform(name, cons, NonUniformQuantizer.fromParameters(kind, values));
            } catch (UserException e) {
                throw new UserException(where + " ('" + name + "'): " + e.getMessage(), e);
            }
        }
        List<String> consumers = strings(t, "consumers", where);
        String at = where + " ('" + name + "')";
        int bits = integer(t, "bits", at);
        boolean signed = bool(t, "signed", at);
        boolean symmetric = bool(t, "symmetric", at);
        String granularity = text(t, "granularity", at);
        int groupSize = optionalInteger(t, "group_size", 0, at);
        int axis = optionalInteger(t, "axis", -1, at);
        float[] scale = floats(array(t, "scale", at), "scale", at);
        JsonNode zp = array(t, "zero_point", at);
        int[] zero = new int[zp.size()];
        for (int k = 0; k < zero.length; k++) {
            JsonNode z = zp.get(k);
            if (!z.isIntegralNumber() || !z.canConvertToInt()) {
                throw new UserException(at + ": 'zero_point' holds " + z + ", not a whole number");
            }
            zero[k] = z.intValue();
        }
        int[] levels = null;
        JsonNode lv = t.get("levels");
        if (lv != null && !lv.isNull()) {
            if (!lv.isTextual()) {
                throw new UserException(at + ": 'levels' must be text (Base64 of DEFLATE-compressed int8 levels)");
            }
            if (role != TensorRole.WEIGHT) {
                throw new UserException(at + ": 'levels' is for weights, but '" + name + "' is an activation");
            }
            levels = LevelCodec.decode(lv.textValue(), at);
        }
        try {
            UniformSpec spec = new UniformSpec(bits, signed, symmetric, Granularity.parse(granularity), groupSize);
            return new TensorQuantization(name, role, consumers, new UniformParams(spec, scale, zero, axis), null, levels);
        } catch (IllegalArgumentException | UserException e) {
            throw new UserException(at + ": " + e.getMessage());
        }
    }

    private static Reparameterization reparameterization(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new UserException(where + " is not an object");
        }
        checkKeys(n, Set.of("kind", "norm", "linears", "scale", "shift"), where);
        List<String> linears = strings(n, "linears", where);
        try {
            return new Reparameterization(text(n, "kind", where), text(n, "norm", where), linears,
                    floats(array(n, "scale", where), "scale", where), floats(array(n, "shift", where), "shift", where));
        } catch (IllegalArgumentException e) {
            throw new UserException(where + ": " + e.getMessage());
        }
    }

    private static float[] floats(JsonNode array, String key, String where) {
        float[] out = new float[array.size()];
        for (int k = 0; k < out.length; k++) {
            JsonNode v = array.get(k);
            if (!v.isNumber()) {
                throw new UserException(where + ": '" + key + "' holds " + v + ", not a number");
            }
            out[k] = Float.parseFloat(v.decimalValue().toString());
        }
        return out;
    }

    private static List<String> strings(JsonNode n, String key, String where) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : array(n, key, where)) {
            if (!v.isTextual()) {
                throw new UserException(where + ": '" + key + "' holds " + v + ", not a node name (text)");
            }
            out.add(v.textValue());
        }
        return out;
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new UserException(where + ": unknown key '" + k + "'");
            }
        }
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new UserException(where + ": '" + key + "' is missing or not text");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new UserException(where + ": '" + key + "' is missing or not a whole number");
        }
        return v.intValue();
    }

    private static int optionalInteger(JsonNode n, String key, int dflt, String where) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new UserException(where + ": '" + key + "' must be a whole number, not " + v);
        }
        return v.intValue();
    }

    private static boolean bool(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isBoolean()) {
            throw new UserException(where + ": '" + key + "' is missing or not true/false");
        }
        return v.asBoolean();
    }

    private static JsonNode array(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isArray()) {
            throw new UserException(where + ": '" + key + "' is missing or not a list");
        }
        return v;
    }

    private static String firstLine(String m) {
        String s = String.valueOf(m).strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
