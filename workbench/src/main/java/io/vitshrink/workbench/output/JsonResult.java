package io.vitshrink.workbench.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vitshrink.onnx.io.AtomicFiles;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flat key → value result of a measuring command, written with {@code --json FILE}. Keys are
 * snake_case and documented in the README; values are numbers, strings, booleans or arrays of them.
 * NaN and infinite numbers (a metric that does not apply) are written as {@code null}.
 */
public final class JsonResult {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, Object> values = new LinkedHashMap<>();

    public JsonResult put(String key, Object value) {
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            value = null;
        }
        values.put(key, value);
        return this;
    }

    public JsonResult putAll(JsonResult other) {
        values.putAll(other.values);
        return this;
    }

    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    public Object get(String key) {
        return values.get(key);
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(values) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("result not serializable", e);
        }
    }

    /** Writes atomically; a null path does nothing. */
    public void writeTo(Path file) {
        if (file != null) {
            AtomicFiles.writeString(file, toJson());
        }
    }
}
