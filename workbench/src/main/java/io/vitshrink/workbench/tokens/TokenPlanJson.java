package io.vitshrink.workbench.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.prune.tokens.TokenMethod;
import io.vitshrink.prune.tokens.TokenPlan;
import io.vitshrink.prune.tokens.TokenSite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The token plan file: {@code {"kind": "vitshrink-token-plan", "method": "evit", "sites": [{"block": 3,
 * "count": 137}, …], "source_model": …, "source_sha256": …}}. With the input model it rebuilds the
 * reduced model ({@code vitshrink tokens --from-plan}).
 */
public final class TokenPlanJson {
    static final String KIND = "vitshrink-token-plan";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TokenPlanJson() {
    }

    public static void write(TokenPlan plan, String sourceModel, String sourceSha256, Path file) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("kind", KIND).put("method", plan.method().id());
        ArrayNode sites = root.putArray("sites");
        for (TokenSite s : plan.sites()) {
            sites.addObject().put("block", s.block()).put("count", s.count());
        }
        root.put("source_model", sourceModel).put("source_sha256", sourceSha256);
        try {
            AtomicFiles.writeString(file, MAPPER.writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TokenPlan read(Path file) {
        try {
            JsonNode root = MAPPER.readTree(Files.readString(file));
            if (root == null || !KIND.equals(root.path("kind").asText())) {
                throw new UserException("'" + file + "' is not a vitshrink token plan (no \"kind\": \"" + KIND + "\")");
            }
            List<TokenSite> sites = new ArrayList<>();
            for (JsonNode s : root.path("sites")) {
                if (!s.path("block").canConvertToInt() || !s.path("count").canConvertToInt()) {
                    throw new UserException("token plan '" + file + "': every site needs integer \"block\" and \"count\"");
                }
                sites.add(new TokenSite(s.get("block").asInt(), s.get("count").asInt()));
            }
            return new TokenPlan(TokenMethod.parse(root.path("method").asText()), sites);
        } catch (IOException e) {
            throw new UserException("cannot read token plan '" + file + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserException("token plan '" + file + "': " + e.getMessage(), e);
        }
    }
}
