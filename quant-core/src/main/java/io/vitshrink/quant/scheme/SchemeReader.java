package io.vitshrink.quant.scheme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.quantizers.Granularity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a scheme file (JSON or YAML). Every key is checked: an unknown key, a wrong type or an
 * out-of-range value is a {@link UserException} naming the file and the field.
 *
 * <pre>
 * base: vit-paper          # optional preset to start from
 * w_bits: 6
 * a_bits: 6
 * granularity: per_channel # per_tensor | per_channel | per_group
 * group_size: 64
 * edge_bits: 8             # patch embedding and head; 0 = like the rest
 * exclude:
 *   nodes: ["/blocks.11/*"]
 *   op_types: [Conv]
 *   blocks: [0]
 * </pre>
 */
public final class SchemeReader {
    private static final Set<String> KEYS = Set.of("name", "base", "w_bits", "a_bits", "granularity", "group_size",
            "edge_bits", "exclude");
    private static final Set<String> EXCLUDE_KEYS = Set.of("nodes", "op_types", "blocks");

    private SchemeReader() {
    }

    /**
     * @param file the scheme file
     * @param weightBits bits to use when the file gives none
     * @param activationBits likewise
     */
    public static QuantScheme read(Path file, int weightBits, int activationBits) {
        String where = "scheme '" + file + "'";
        if (!Files.exists(file)) {
            throw new UserException(where + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException(where + " is " + (Files.isDirectory(file) ? "a folder" : "not a regular file")
                    + "; give the path of a JSON or YAML scheme file");
        }
        JsonNode root;
        try {
            String text = Files.readString(file);
            ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
            mapper.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(text);
        } catch (IOException e) {
            throw new UserException("cannot read " + where + ": " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new UserException(where + " must be a mapping of keys (w_bits, a_bits, exclude, …)");
        }
        checkKeys(root, KEYS, where);
        String baseName = text(root, "base", "vit-all", where);
        int w = integer(root, "w_bits", weightBits, where);
        int a = integer(root, "a_bits", activationBits, where);
        checkRange(root, "w_bits", w, w >= 2 && w <= 8, "between 2 and 8", where);
        checkRange(root, "a_bits", a, a == 0 || a >= 2 && a <= 16, "between 2 and 16, or 0 for weight-only", where);
        if (!SchemePresets.names().contains(baseName)) {
            throw new UserException(where + ": 'base' must be one of " + SchemePresets.names() + ", not '" + baseName + "'");
        }
        QuantScheme base = SchemePresets.get(baseName, w, a); // bits from the command line are checked there
        String name = text(root, "name", file.getFileName().toString(), where);
        String granularityText = text(root, "granularity", null, where);
        Granularity g = granularityText != null ? named(where, "granularity", () -> Granularity.parse(granularityText))
                : base.weightGranularity();
        int group = integer(root, "group_size", base.groupSize(), where);
        int edge = integer(root, "edge_bits", base.edgeBits(), where);
        checkRange(root, "edge_bits", edge, edge == 0 || edge >= 2 && edge <= 8, "between 2 and 8, or 0", where);
        checkRange(root, "group_size", group, group >= 2 || g != Granularity.PER_GROUP && group >= 0,
                g == Granularity.PER_GROUP ? "2 or more (e.g. 32, 64, 128)" : "0 or more", where);
        List<String> nodes = new ArrayList<>(base.excludeNodes());
        List<String> ops = new ArrayList<>(base.excludeOpTypes());
        List<Integer> blocks = new ArrayList<>(base.excludeBlocks());
        JsonNode ex = root.get("exclude");
        if (ex != null) {
            if (!ex.isObject()) {
                throw new UserException(where + ": 'exclude' must be a mapping with nodes, op_types and/or blocks");
            }
            checkKeys(ex, EXCLUDE_KEYS, where + " exclude");
            nodes.addAll(strings(ex, "nodes", where));
            ops.addAll(strings(ex, "op_types", where));
            JsonNode b = ex.get("blocks");
            if (b != null) {
                if (!b.isArray()) {
                    throw new UserException(where + ": 'exclude.blocks' must be a list of block indices");
                }
                for (JsonNode i : b) {
                    if (!i.isIntegralNumber() || !i.canConvertToInt() || i.asInt() < 0) {
                        throw new UserException(where + ": 'exclude.blocks' holds '" + i.asText() + "', not a block index");
                    }
                    blocks.add(i.asInt());
                }
            }
        }
        return named(where, null, () -> new QuantScheme(name, w, a, g, group, edge, nodes, ops, blocks));
    }

    /** Fails, naming the file and the key, when a value given in the file is out of range. */
    private static void checkRange(JsonNode root, String key, int value, boolean ok, String range, String where) {
        if (!ok && root.hasNonNull(key)) {
            throw new UserException(where + ": '" + key + "' must be " + range + ", not " + value);
        }
    }

    /** Runs {@code make}, prefixing a {@link UserException} with the file and the key it came from. */
    private static <T> T named(String where, String key, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (UserException e) {
            throw new UserException(where + (key == null ? "" : ": '" + key + "'") + ": " + e.getMessage(), e);
        }
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new UserException(where + ": unknown key '" + k + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode root, String key, String dflt, String where) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new UserException(where + ": '" + key + "' must be text, not " + n.getNodeType().name().toLowerCase());
        }
        return n.asText();
    }

    private static int integer(JsonNode root, String key, int dflt, String where) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new UserException(where + ": '" + key + "' must be a whole number, not '" + n.asText() + "'");
        }
        return n.intValue();
    }

    private static List<String> strings(JsonNode root, String key, String where) {
        JsonNode n = root.get(key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw new UserException(where + ": 'exclude." + key + "' must be a list of strings");
        }
        for (JsonNode s : n) {
            if (!s.isTextual()) {
                throw new UserException(where + ": 'exclude." + key + "' holds '" + s.asText() + "', not a string");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static String firstLine(String m) {
        String s = String.valueOf(m).strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
