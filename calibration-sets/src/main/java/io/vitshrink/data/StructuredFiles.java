package io.vitshrink.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the small JSON and YAML files of this module (recipes, dataset manifests) into Jackson trees,
 * and checks their keys, so every such file fails the same way: one line naming the file and the field.
 *
 * <p>Trees rather than data binding: binding errors quote Java class names, while users need to hear
 * "field 'crop' must be a whole number".
 */
public final class StructuredFiles {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private StructuredFiles() {
    }

    /** Reads a {@code .json}, {@code .yaml} or {@code .yml} file (others: guessed from the first character). */
    public static JsonNode read(Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new UserException(file + " is " + (Files.isDirectory(file) ? "a folder" : "not a regular file")
                    + "; give the path of a .json or .yaml file");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("file not found: " + file);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses JSON or YAML text; {@code where} names the source in error messages. */
    public static JsonNode parse(String text, String where) {
        String name = where.toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(".json") || (!name.endsWith(".yaml") && !name.endsWith(".yml")
                && text.stripLeading().startsWith("{"));
        try {
            JsonNode node = (json ? JSON : YAML).readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw new UserException(where + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage().replaceAll("\\s+", " ").trim();
            String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new UserException("cannot parse " + where + at + ": " + detail);
        }
    }

    /** Fails unless {@code node} is an object whose keys are all in {@code known}. */
    public static void requireKeys(JsonNode node, Set<String> known, String where) {
        if (!node.isObject()) {
            throw new UserException(where + " must be a mapping of fields, got " + node.getNodeType().toString()
                    .toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new UserException(where + ": unknown field '" + key + "' (known fields: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** A whole-number field, or {@code fallback} when absent. */
    public static int intField(JsonNode node, String field, int fallback, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber()) {
            throw new UserException(where + ": field '" + field + "' must be a whole number, got " + v);
        }
        if (!v.canConvertToInt()) {
            throw new UserException(where + ": field '" + field + "' is out of range, got " + v);
        }
        return v.intValue();
    }

    /** A text field, or {@code fallback} when absent; numbers and booleans are refused. */
    public static String textField(JsonNode node, String field, String fallback, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new UserException(where + ": field '" + field + "' must be text, got " + v);
        }
        return v.textValue();
    }

    /** A true/false field, or {@code fallback} when absent. */
    public static boolean booleanField(JsonNode node, String field, boolean fallback, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new UserException(where + ": field '" + field + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    /** A number field, or {@code fallback} when absent. */
    public static double numberField(JsonNode node, String field, double fallback, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new UserException(where + ": field '" + field + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }
}
