package io.vitshrink.prune.structured;

import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.prune.plan.BlockCut;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Chooses which heads and MLP channels to remove for a MAC budget: every unit is ranked by its
 * {@link UnitEnergy} per MAC it costs, and the cheapest-to-lose go first until the removed MACs reach
 * the target. Each block keeps at least one head and {@value #MIN_CHANNELS} channels, so no block
 * disappears. Channels are removed in multiples of {@value #CHANNEL_STEP} per block (kernel-friendly
 * widths), rounded to the nearest.
 */
public final class StructuredSelection {
    static final int MIN_CHANNELS = 16;
    static final int CHANNEL_STEP = 8;

    private StructuredSelection() {
    }

    /** A removable unit; {@code weight} scales its MACs in the ranking only. */
    record Unit(int block, boolean head, int index, double energy, long macs, double weight) {
        double cost() {
            return energy / (macs * weight);
        }
    }

    /**
     * @param headEnergy block index → energy per head (null entry or map without it: heads untouched)
     * @param channelEnergy block index → energy per hidden channel (same)
     * @param removeMacs MACs per image to remove
     */
    public static List<BlockCut> select(List<TransformerBlock> blocks, Map<Integer, double[]> headEnergy,
            Map<Integer, double[]> channelEnergy, long removeMacs) {
        return select(blocks, headEnergy, channelEnergy, removeMacs, 1);
    }

    /**
     * @param headCost a head counts this many times its MACs in the ranking (a latency proxy: attention
     *     runs slower per MAC than GEMMs); the budget still counts true MACs
     */
    public static List<BlockCut> select(List<TransformerBlock> blocks, Map<Integer, double[]> headEnergy,
            Map<Integer, double[]> channelEnergy, long removeMacs, double headCost) {
        List<Unit> units = new ArrayList<>();
        for (TransformerBlock b : blocks) {
            double[] he = headEnergy.get(b.index());
            if (he != null) {
                long m = headMacs(b.attention());
                for (int h = 0; h < he.length; h++) {
                    units.add(new Unit(b.index(), true, h, he[h], m, headCost));
                }
            }
            double[] ce = channelEnergy.get(b.index());
            if (ce != null) {
                long m = channelMacs(b);
                for (int c = 0; c < ce.length; c++) {
                    units.add(new Unit(b.index(), false, c, ce[c], m, 1));
                }
            }
        }
        units.sort(Comparator.comparingDouble(Unit::cost).thenComparingInt(Unit::block).thenComparingInt(Unit::index));
        Map<Integer, TreeSet<Integer>> removedHeads = new java.util.HashMap<>();
        Map<Integer, List<Unit>> removedChannels = new java.util.HashMap<>();
        long removed = 0;
        for (Unit u : units) {
            if (removed >= removeMacs) {
                break;
            }
            if (u.head()) {
                TreeSet<Integer> r = removedHeads.computeIfAbsent(u.block(), k -> new TreeSet<>());
                if (r.size() + 1 >= headEnergy.get(u.block()).length) {
                    continue;
                }
                r.add(u.index());
            } else {
                List<Unit> r = removedChannels.computeIfAbsent(u.block(), k -> new ArrayList<>());
                if (channelEnergy.get(u.block()).length - r.size() - 1 < MIN_CHANNELS) {
                    continue;
                }
                r.add(u);
            }
            removed += u.macs();
        }
        List<BlockCut> cuts = new ArrayList<>();
        for (TransformerBlock b : blocks) {
            List<Integer> keptHeads = null;
            if (headEnergy.containsKey(b.index())) {
                keptHeads = keep(headEnergy.get(b.index()).length, removedHeads.getOrDefault(b.index(), new TreeSet<>()));
            }
            List<Integer> keptChannels = null;
            if (channelEnergy.containsKey(b.index())) {
                List<Unit> r = removedChannels.getOrDefault(b.index(), List.of());
                int n = r.size() / CHANNEL_STEP * CHANNEL_STEP + (r.size() % CHANNEL_STEP >= CHANNEL_STEP / 2 ? CHANNEL_STEP : 0);
                n = Math.min(n, channelEnergy.get(b.index()).length - MIN_CHANNELS);
                List<Unit> ranked = new ArrayList<>(); // this block's channels, cheapest first (the greedy order)
                for (Unit u : units) {
                    if (!u.head() && u.block() == b.index()) {
                        ranked.add(u);
                    }
                }
                TreeSet<Integer> gone = new TreeSet<>();
                for (int i = 0; i < n; i++) {
                    gone.add(ranked.get(i).index());
                }
                keptChannels = keep(channelEnergy.get(b.index()).length, gone);
            }
            cuts.add(new BlockCut(b.index(), keptHeads, keptChannels));
        }
        return cuts;
    }

    private static List<Integer> keep(int count, java.util.Set<Integer> removed) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!removed.contains(i)) {
                kept.add(i);
            }
        }
        return kept;
    }

    /** MACs per image one head costs: its q/k/v rows, Q·Kᵀ and attn·V, its proj columns. */
    public static long headMacs(Attention a) {
        long n = a.tokens();
        long d = a.headDim();
        long width = a.q().inFeatures();
        long out = a.proj().outFeatures();
        return n * width * 3 * d + 2 * n * n * d + n * d * out;
    }

    /** MACs per image one MLP hidden channel costs: one fc1 row and one fc2 column. */
    public static long channelMacs(TransformerBlock b) {
        long n = b.attention().tokens();
        return n * (b.mlp().fc1().inFeatures() + b.mlp().fc2().outFeatures());
    }
}
