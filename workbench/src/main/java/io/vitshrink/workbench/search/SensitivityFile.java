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
 * {@code --max-drop}) skips the sensitivity runs. Each row records the quantizer kind its unit was
 * measured with ({@code uniform}, {@code adalog}, …): a search with other {@code --softmax-quantizer} /
 * {@code --gelu-quantizer} settings reuses the rows whose kind it shares (every other unit's parameters
 * are the same) and measures the rest again. Rows written before kinds were recorded are reused as they
 * are.
 */
public final class SensitivityFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SensitivityFile() {
    }

    /**
     * A table read back, with the units whose rows must be measured again.
     *
     * @param table every row; those of {@code remeasure} units are zeros until measured
     * @param remeasure per unit: its row was measured with another quantizer kind
     */
    public record Reuse(SensitivityTable table, boolean[] remeasure) {

        public int remeasured() {
            int n = 0;
            for (boolean b : remeasure) {
                n += b ? 1 : 0;
            }
            return n;
        }

        /** The table with the remeasured units' rows taken from {@code measured} (rows in order of those units). */
        public SensitivityTable merge(SensitivityTable measured) {
            double[][] kl = table.kl().clone();
            double[][] agreement = table.agreement().clone();
            int m = 0;
            for (int u = 0; u < remeasure.length; u++) {
                if (remeasure[u]) {
                    kl[u] = measured.kl()[m].clone();
                    agreement[u] = measured.agreement()[m].clone();
                    m++;
                }
            }
            if (m != measured.units().size()) {
                throw new IllegalArgumentException(measured.units().size() + " measured rows for " + m + " units to remeasure");
            }
            return new SensitivityTable(table.units(), table.bitOptions(), kl, agreement, table.images());
        }
    }

    /** {@link #toJson(SensitivityTable, List)} without quantizer kinds. */
    public static String toJson(SensitivityTable t) {
        return toJson(t, null);
    }

    /**
     * @param kinds per unit (in the table's unit order), the quantizer kind it was measured with, or null
     */
    public static String toJson(SensitivityTable t, List<String> kinds) {
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
            if (kinds != null) {
                row.put("quantizer", kinds.get(u));
            }
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
        return read(file, units, widths, null).table();
    }

    /**
     * Reads a table written by {@link #toJson} for these units and widths; a row recorded with another
     * quantizer kind than {@code kinds} gives (unless null) is marked to be measured again.
     *
     * @throws UserException when the file is unreadable or lacks a unit or width of this search
     */
    public static Reuse read(Path file, List<QuantUnit> units, int[] widths, List<String> kinds) {
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
        boolean[] remeasure = new boolean[units.size()];
        for (int u = 0; u < units.size(); u++) {
            JsonNode row = byName.get(units.get(u).name());
            if (row == null) {
                throw new UserException("--sensitivity " + file + " has no unit '" + units.get(u).name()
                        + "': it was measured for another model, scheme or --group");
            }
            JsonNode kind = row.get("quantizer");
            if (kinds != null && kind != null && !kind.asText().equals(kinds.get(u))) {
                remeasure[u] = true;
                continue;
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
        return new Reuse(new SensitivityTable(units, widths, kl, agreement, doc.path("holdout_images").asInt()), remeasure);
    }
}
