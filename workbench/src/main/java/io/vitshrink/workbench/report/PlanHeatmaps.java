package io.vitshrink.workbench.report;

import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.reports.charts.BitAllocationHeatmap;
import io.vitshrink.reports.charts.SvgCharts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Bit-allocation heatmaps of mixed plans: for a run folder holding a quantization plan whose weights
 * inside the transformer blocks do not all have the same bits, a block × tensor grid of weight bits
 * (0 = left in float). Uniform plans give none: their heatmap would be one colour.
 */
public final class PlanHeatmaps {
    private static final Pattern BLOCK = Pattern.compile("blocks?[./_](\\d+)[./_]");
    private static final String[] ROLES = {"qkv", "q_proj", "k_proj", "v_proj", "query", "key", "value", "proj", "out_proj",
        "fc1", "fc2", "dense"};

    private PlanHeatmaps() {
    }

    /**
     * What the sweep's quantize step ({@code <i>-quantize.plan.json}), {@code quantize --db}
     * ({@code quantize.plan.json}) and {@code prune --then-quantize} / {@code search --db}
     * ({@code .quant.plan.json}) leave in a run folder.
     */
    static boolean isQuantizationPlan(Path file) {
        String name = file.getFileName().toString();
        return name.equals("quantize.plan.json") || name.endsWith("-quantize.plan.json") || name.endsWith(".quant.plan.json");
    }

    /** The heatmap of the first mixed plan in a run folder, as an SVG element, or null. */
    public static String svg(Path runFolder, String title, String id) {
        if (runFolder == null || !Files.isDirectory(runFolder)) {
            return null;
        }
        try (Stream<Path> files = Files.list(runFolder)) {
            // only quantization plans: a prune or token plan in the same folder is another format
            for (Path p : files.filter(PlanHeatmaps::isQuantizationPlan).sorted().toList()) {
                String svg = svg(PlanJson.read(p), title, id);
                if (svg != null) {
                    return svg;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static String svg(QuantPlan plan, String title, String id) {
        Map<Integer, Map<String, Integer>> bits = new TreeMap<>();
        TreeSet<String> roles = new TreeSet<>();
        for (TensorQuantization t : plan.tensors()) {
            if (t.role() != TensorRole.WEIGHT || t.consumers().isEmpty()) {
                continue;
            }
            String node = t.consumers().get(0);
            Matcher m = BLOCK.matcher(node);
            if (!m.find()) {
                continue; // patch embedding, head
            }
            String role = role(node);
            roles.add(role);
            bits.computeIfAbsent(Integer.parseInt(m.group(1)), b -> new TreeMap<>()).merge(role, t.bits(), Math::max);
        }
        if (bits.isEmpty()) {
            return null;
        }
        // blocks 0 … last: a block the plan does not mention was left in float (e.g. excluded by the scheme)
        int last = ((TreeMap<Integer, Map<String, Integer>>) bits).lastKey();
        List<String> blocks = new ArrayList<>();
        List<String> tensors = new ArrayList<>(roles);
        int[][] grid = new int[tensors.size()][last + 1];
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int b = 0; b <= last; b++) {
            blocks.add(Integer.toString(b));
            Map<String, Integer> perRole = bits.getOrDefault(b, Map.of());
            for (int r = 0; r < tensors.size(); r++) {
                grid[r][b] = perRole.getOrDefault(tensors.get(r), 0);
                distinct.add(grid[r][b]);
            }
        }
        return distinct.size() < 2 ? null
                : SvgCharts.svg(BitAllocationHeatmap.build(title, blocks, tensors, grid), 600, 420, id);
    }

    private static String role(String node) {
        String lower = node.toLowerCase(java.util.Locale.ROOT);
        for (String r : ROLES) {
            if (lower.contains("/" + r + "/") || lower.contains("." + r + ".") || lower.contains("/" + r + "_")
                    || lower.contains(r + "/matmul")) {
                return r;
            }
        }
        return node.substring(node.lastIndexOf('/') + 1);
    }
}
