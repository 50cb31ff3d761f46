package io.vitshrink.workbench.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of a run: SHA-256 of the canonical JSON (map keys sorted, no whitespace) of the model's
 * content hash and the settings. A rerun of the same point gets the same key, whatever the order the
 * settings were written in or the path the model was found under.
 */
public final class PointKey {
    private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private PointKey() {
    }

    /** Canonical JSON of a value made of maps, lists, strings and numbers (map keys sorted at every level). */
    public static String canonicalJson(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("settings not serializable: " + e.getMessage(), e);
        }
    }

    /** The key of a model content hash plus canonical settings JSON. */
    public static String of(String modelSha256, String canonicalSettings) {
        return sha256(modelSha256 + "\n" + canonicalSettings);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
