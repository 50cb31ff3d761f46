package io.vitshrink.workbench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vitshrink.onnx.UserException;
import io.vitshrink.quant.mixed.QuantUnit;
import io.vitshrink.quant.mixed.SensitivityTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sensitivity.json}: the table with its ranking, written by every search and read back with
 * {@code --sensitivity FILE} so that a second search of the same model and settings (another budget,
 * {@code --max-drop}) skips the sensitivity runs.
 */
public final class SensitivityFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SensitivityFile() {
    }

    public static String toJson(SensitivityTable t) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Integer> ranking = t.ranking();
        for (int r = 0; r < ranking.size(); r++) {
            int u = ranking.get(r);
            QuantUnit unit = t.units().get(u);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("unit", unit.name());
            row.put("role", unit.isWeight() ? "weight" : "activation");
            row.put("block", unit.block());
            row.put("size", unit.size());
            row.put("rank", r + 1);
            Map<String, Object> kl = new LinkedHashMap<>();
            Map<String, Object> agreement = new LinkedHashMap<>();
            for (int k = 0; k < t.bitOptions().length; k++) {
                kl.put(String.valueOf(t.bitOptions()[k]), t.kl()[u][k]);
                agreement.put(String.valueOf(t.bitOptions()[k]), t.agreement()[u][k]);
            }
            row.put("kl", kl);
            row.put("agreement_top1", agreement);
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("holdout_images", t.images());
        doc.put("bits", Arrays.stream(t.bitOptions()).boxed().toList());
        doc.put("units", rows);
        try {
            return MAPPER.writeValueAsString(doc) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a table written by {@link #toJson} for these units and widths.
     *
     * @throws UserException when the file is unreadable or lacks a unit or width of this search
     */
    public static SensitivityTable read(Path file, List<QuantUnit> units, int[] widths) {
        JsonNode doc;
        try {
            doc = MAPPER.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new UserException("--sensitivity " + file + ": cannot read it as a sensitivity.json of vitshrink search ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        Map<String, JsonNode> byName = new HashMap<>();
        JsonNode rows = doc == null ? null : doc.get("units");
        if (rows == null || !rows.isArray()) {
            throw new UserException("--sensitivity " + file + ": no \"units\" list; pass the sensitivity.json a search wrote");
        }
        rows.forEach(r -> byName.put(r.path("unit").asText(), r));
        double[][] kl = new double[units.size()][widths.length];
        double[][] agreement = new double[units.size()][widths.length];
        for (int u = 0; u < units.size(); u++) {
            JsonNode row = byName.get(units.get(u).name());
            if (row == null) {
                throw new UserException("--sensitivity " + file + " has no unit '" + units.get(u).name()
                        + "': it was measured for another model, scheme or --group");
            }
            for (int k = 0; k < widths.length; k++) {
                JsonNode v = row.path("kl").get(String.valueOf(widths[k]));
                JsonNode a = row.path("agreement_top1").get(String.valueOf(widths[k]));
                if (v == null || !v.isNumber() || a == null || !a.isNumber()) {
                    throw new UserException("--sensitivity " + file + " has no " + widths[k] + "-bit entry for '"
                            + units.get(u).name() + "': measure with the same --bits");
                }
                kl[u][k] = v.asDouble();
                agreement[u][k] = a.asDouble();
            }
        }
        return new SensitivityTable(units, widths, kl, agreement, doc.path("holdout_images").asInt());
    }
}
