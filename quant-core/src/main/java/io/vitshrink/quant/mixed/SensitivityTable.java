package io.vitshrink.quant.mixed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Unit × width → damage: the model with that one unit quantized (everything else float) compared with
 * the float model on held-out images.
 *
 * @param units the units, in search order
 * @param bitOptions the widths measured, ascending
 * @param kl {@code kl[u][k]}: mean KL(float ‖ quantized) of the logits, in nats
 * @param agreement {@code agreement[u][k]}: share of images whose top-1 class is the float model's
 * @param images held-out images measured on
 */
public record SensitivityTable(List<QuantUnit> units, int[] bitOptions, double[][] kl, double[][] agreement, int images) {

    public SensitivityTable {
        units = List.copyOf(units);
        bitOptions = bitOptions.clone();
    }

    /** Units from most to least damaging at the narrowest width (ties: by the next width). */
    public List<Integer> ranking() {
        List<Integer> order = new ArrayList<>();
        for (int u = 0; u < units.size(); u++) {
            order.add(u);
        }
        Comparator<Integer> byDamage = (a, b) -> {
            for (int k = 0; k < bitOptions.length; k++) {
                int c = Double.compare(kl[b][k], kl[a][k]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
        order.sort(byDamage);
        return order;
    }

    /** {@code unit,role,block,size,bits,kl,agreement_top1,rank}, one row per unit and width, in ranking order. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("unit,role,block,size,bits,kl,agreement_top1,rank\n");
        List<Integer> ranking = ranking();
        for (int r = 0; r < ranking.size(); r++) {
            int u = ranking.get(r);
            QuantUnit unit = units.get(u);
            for (int k = 0; k < bitOptions.length; k++) {
                sb.append(Csv.field(unit.name())).append(',').append(unit.isWeight() ? "weight" : "activation").append(',')
                        .append(unit.block()).append(',').append(unit.size()).append(',').append(bitOptions[k]).append(',')
                        .append(String.format(Locale.ROOT, "%.6g", kl[u][k])).append(',')
                        .append(String.format(Locale.ROOT, "%.4f", agreement[u][k])).append(',').append(r + 1).append('\n');
            }
        }
        return sb.toString();
    }
}
