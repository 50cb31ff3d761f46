package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.cost.NodeCost;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Computes the {@link Measures} of bit assignments (one width per unit) for one model and unit list. */
public final class BudgetMeter {

    /** Bits of a tensor that stays float. */
    public static final int FLOAT_BITS = 32;

    /**
     * A matrix product whose cost depends on unit widths.
     *
     * @param node node name
     * @param macs MACs per image
     * @param weightUnit the unit of its constant weight, or -1 (float weight, or a product of two activations)
     * @param inputUnits the units of its quantized activation inputs (one per operand; -1 = float operand)
     * @param activationProduct both operands are activations
     */
    public record Product(String node, long macs, int weightUnit, int[] inputUnits, boolean activationProduct) {
    }

    private final List<QuantUnit> units;
    private final List<Product> products = new ArrayList<>();
    private final long fixedBops;
    private final long storedBytes;
    private final double weightSize;
    private final double activationSize;

    public BudgetMeter(List<QuantUnit> units, ModelCost cost) {
        this.units = List.copyOf(units);
        Map<String, Integer> weightOf = new HashMap<>();
        Map<String, List<Integer>> inputsOf = new HashMap<>();
        double w = 0;
        double a = 0;
        for (int u = 0; u < units.size(); u++) {
            QuantUnit unit = units.get(u);
            if (unit.isWeight()) {
                w += unit.size();
            } else {
                a += unit.size();
            }
            for (QuantTarget t : unit.targets()) {
                for (String node : t.consumers()) {
                    if (unit.isWeight()) {
                        weightOf.put(node, u);
                    } else {
                        inputsOf.computeIfAbsent(node, k -> new ArrayList<>()).add(u);
                    }
                }
            }
        }
        weightSize = w;
        activationSize = a;
        long fixed = 0;
        for (NodeCost n : cost.nodes()) {
            if (!n.isProduct()) {
                continue;
            }
            boolean actProduct = n.kind() == NodeCost.Kind.ACTIVATION_PRODUCT;
            List<Integer> ins = inputsOf.getOrDefault(n.node(), List.of());
            int operands = actProduct ? 2 : 1;
            int[] inputUnits = new int[operands];
            for (int i = 0; i < operands; i++) {
                // a product reading one quantized tensor twice (x·xᵀ) uses its width for both operands
                inputUnits[i] = i < ins.size() ? ins.get(i) : ins.size() == 1 && actProduct ? ins.get(0) : -1;
            }
            Product p = new Product(n.node(), n.macs(), weightOf.getOrDefault(n.node(), -1), inputUnits, actProduct);
            if (p.weightUnit() < 0 && java.util.Arrays.stream(inputUnits).allMatch(i -> i < 0)) {
                fixed += bops(p, new int[0]);
            } else {
                products.add(p);
            }
        }
        fixedBops = fixed;
        storedBytes = cost.storedBytes();
    }

    public List<QuantUnit> units() {
        return units;
    }

    /** The products whose BOPs depend on some unit. */
    public List<Product> products() {
        return products;
    }

    /** BOPs of the products no unit touches (float × float). */
    public long fixedBops() {
        return fixedBops;
    }

    /** BOPs of one product when unit {@code u} has {@code bits[u]} bits. */
    public static long bops(Product p, int[] bits) {
        long b = p.macs();
        if (!p.activationProduct()) {
            b *= p.weightUnit() < 0 ? FLOAT_BITS : bits[p.weightUnit()];
        }
        for (int u : p.inputUnits()) {
            b *= u < 0 ? FLOAT_BITS : bits[u];
        }
        return b;
    }

    /** The measures of an assignment ({@code bits[u]} = width of unit u). */
    public Measures measure(int[] bits) {
        double w = 0;
        double a = 0;
        long bytes = storedBytes;
        for (int u = 0; u < units.size(); u++) {
            QuantUnit unit = units.get(u);
            if (unit.isWeight()) {
                w += (double) unit.size() * bits[u];
                bytes += weightBytes(unit, bits[u]) - weightBytes(unit, FLOAT_BITS);
            } else {
                a += (double) unit.size() * bits[u];
            }
        }
        long bops = fixedBops;
        for (Product p : products) {
            bops += bops(p, bits);
        }
        return new Measures(weightSize > 0 ? w / weightSize : 0, activationSize > 0 ? a / activationSize : 0, bytes, bops);
    }

    /** Bytes of a weight unit's values packed at {@code bits} (per tensor, rounded up to whole bytes). */
    static long weightBytes(QuantUnit unit, int bits) {
        return (unit.size() * bits + 7) / 8;
    }

    /** Total size of the weight units (parameters) and of the activation units (MACs). */
    double totalSize(boolean weights) {
        return weights ? weightSize : activationSize;
    }
}
