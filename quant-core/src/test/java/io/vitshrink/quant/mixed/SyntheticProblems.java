package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.cost.NodeCost;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.UniformSpec;
import io.vitshrink.quant.scheme.ProductRole;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small random allocation problems: {@code products} Linear products, each with a weight unit and an
 * input-activation unit, plus one product of two activations; integer sizes small enough that the
 * knapsack runs on an exact cost grid.
 */
final class SyntheticProblems {

    private SyntheticProblems() {
    }

    static AllocationProblem random(long seed, int products, int[] bits) {
        Random r = new Random(seed);
        List<QuantUnit> units = new ArrayList<>();
        List<NodeCost> nodes = new ArrayList<>();
        long params = 0;
        for (int p = 0; p < products; p++) {
            String node = "linear" + p;
            long size = 1 + r.nextInt(40);
            long macs = 1 + r.nextInt(50);
            params += size;
            nodes.add(new NodeCost(node, "MatMul", NodeCost.Kind.WEIGHT_PRODUCT, macs, 2 * macs, size));
            units.add(unit("w" + p, TensorRole.WEIGHT, node, size));
            units.add(unit("a" + p, TensorRole.ACTIVATION, node, macs));
        }
        long macs = 1 + r.nextInt(30);
        nodes.add(new NodeCost("scores", "MatMul", NodeCost.Kind.ACTIVATION_PRODUCT, macs, 2 * macs, 0));
        units.add(new QuantUnit("q", TensorRole.ACTIVATION, List.of(target("q", TensorRole.ACTIVATION, "scores")), 0, macs));
        units.add(new QuantUnit("k", TensorRole.ACTIVATION, List.of(target("k", TensorRole.ACTIVATION, "scores")), 0, macs));
        ModelCost cost = new ModelCost(nodes, params, params * 4 + 100, 100);
        double[][] damage = new double[units.size()][bits.length];
        for (double[] row : damage) {
            double d = r.nextDouble() * (r.nextInt(4) == 0 ? 10 : 1);
            for (int k = 0; k < bits.length; k++) {
                row[k] = d / Math.pow(2, bits[k]) + r.nextDouble() * 1e-3; // roughly halving per bit, with noise
            }
        }
        return new AllocationProblem(new BudgetMeter(units, cost), bits, damage);
    }

    static QuantUnit unit(String name, TensorRole role, String node, long size) {
        return new QuantUnit(name, role, List.of(target(name, role, node)), 0, size);
    }

    static QuantTarget target(String tensor, TensorRole role, String consumer) {
        UniformSpec spec = role == TensorRole.WEIGHT ? UniformSpec.weights(8, io.vitshrink.quant.quantizers.Granularity.PER_CHANNEL, 0)
                : UniformSpec.activations(8);
        return new QuantTarget(tensor, role, List.of(consumer), spec, 1, ProductRole.OTHER, 0);
    }

    /** The least damage over every assignment the budget allows, by enumeration; NaN when none fits. */
    static double bruteForce(AllocationProblem p, Budget b) {
        int n = p.units();
        int widths = p.bitOptions().length;
        int[] k = new int[n];
        double best = Double.NaN;
        long total = (long) Math.pow(widths, n);
        for (long code = 0; code < total; code++) {
            long rest = code;
            for (int u = 0; u < n; u++) {
                k[u] = (int) (rest % widths);
                rest /= widths;
            }
            if (b.allows(p.meter().measure(p.bits(k)))) {
                double d = p.damage(k);
                if (Double.isNaN(best) || d < best) {
                    best = d;
                }
            }
        }
        return best;
    }
}
