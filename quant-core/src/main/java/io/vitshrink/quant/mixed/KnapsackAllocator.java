package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.search.ChoiceKnapsack;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The least additive damage within the budget, exactly (up to the cost grid of {@link ChoiceKnapsack}),
 * as a multiple-choice knapsack:
 *
 * <ul>
 *   <li>average weight bits or bytes: one group per weight unit (cost = parameters × bits, or packed
 *       bytes); average activation bits: one group per activation unit (cost = MACs × bits). Weights and
 *       activations are separate knapsacks, since no measure couples them; a role without a limit takes
 *       each unit's least-damage width.</li>
 *   <li>BOPs couple a product's weight and input widths, so units that meet in a product form one group
 *       (connected components of units and products: in a ViT, a Linear's weight with its input, Q with K,
 *       the attention probabilities with V) whose options are every combination of their widths, and the
 *       cost is the BOPs of the group's products.</li>
 * </ul>
 */
public final class KnapsackAllocator implements Allocator {
    /** Most width combinations a BOPs group may have. */
    static final int MAX_GROUP_OPTIONS = 4096;

    private final int cells;

    public KnapsackAllocator() {
        this(ChoiceKnapsack.DEFAULT_CELLS);
    }

    public KnapsackAllocator(int cells) {
        this.cells = cells;
    }

    @Override
    public String name() {
        return "dp";
    }

    @Override
    public Optional<Allocation> allocate(AllocationProblem problem, Budget budget) {
        boolean bops = budget.has(Budget.Kind.BOPS);
        if (bops && budget.limits().size() > 1 || budget.has(Budget.Kind.BYTES) && budget.has(Budget.Kind.W_BITS)) {
            throw new UserException("--allocator dp takes bops alone, or bytes / w_bits (one of them) with a_bits; "
                    + "use --allocator greedy for budget " + budget);
        }
        int[] k = bops ? byBops(problem, budget.limit(Budget.Kind.BOPS)) : byRoles(problem, budget);
        return k == null ? Optional.empty() : Optional.of(problem.allocation(k));
    }

    private int[] byRoles(AllocationProblem problem, Budget budget) {
        BudgetMeter meter = problem.meter();
        List<QuantUnit> units = meter.units();
        int[] k = new int[units.size()];
        for (boolean weights : new boolean[] {true, false}) {
            List<Integer> members = new ArrayList<>();
            for (int u = 0; u < units.size(); u++) {
                if (units.get(u).isWeight() == weights) {
                    members.add(u);
                }
            }
            long capacity;
            boolean asBytes = false;
            if (weights && budget.has(Budget.Kind.BYTES)) {
                asBytes = true;
                long rest = meter.measure(problem.bits(problem.uniform(0))).sizeBytes();
                for (int u : members) {
                    rest -= BudgetMeter.weightBytes(units.get(u), problem.bitOptions()[0]);
                }
                capacity = (long) Math.floor(budget.limit(Budget.Kind.BYTES)) - rest;
            } else {
                Budget.Kind kind = weights ? Budget.Kind.W_BITS : Budget.Kind.A_BITS;
                if (!budget.has(kind)) {
                    members.forEach(u -> k[u] = leastDamage(problem.damage()[u]));
                    continue;
                }
                capacity = (long) Math.floor(budget.limit(kind) * meter.totalSize(weights) * (1 + 1e-12));
            }
            List<List<ChoiceKnapsack.Option>> groups = new ArrayList<>();
            for (int u : members) {
                List<ChoiceKnapsack.Option> options = new ArrayList<>();
                for (int o = 0; o < problem.bitOptions().length; o++) {
                    int b = problem.bitOptions()[o];
                    long cost = asBytes ? BudgetMeter.weightBytes(units.get(u), b) : units.get(u).size() * b;
                    options.add(new ChoiceKnapsack.Option(cost, problem.damage()[u][o]));
                }
                groups.add(options);
            }
            if (groups.isEmpty()) {
                continue;
            }
            int[] chosen = ChoiceKnapsack.solve(groups, capacity, cells);
            if (chosen == null) {
                return null;
            }
            for (int i = 0; i < members.size(); i++) {
                k[members.get(i)] = chosen[i];
            }
        }
        return k;
    }

    private int[] byBops(AllocationProblem problem, double limit) {
        BudgetMeter meter = problem.meter();
        int n = problem.units();
        int[] parent = new int[n];
        for (int u = 0; u < n; u++) {
            parent[u] = u;
        }
        for (BudgetMeter.Product p : meter.products()) {
            int first = p.weightUnit();
            for (int u : p.inputUnits()) {
                if (u < 0) {
                    continue;
                }
                if (first < 0) {
                    first = u;
                } else {
                    parent[find(parent, u)] = find(parent, first);
                }
            }
        }
        List<List<Integer>> components = new ArrayList<>();
        int[] componentOf = new int[n];
        java.util.Map<Integer, Integer> index = new java.util.HashMap<>();
        for (int u = 0; u < n; u++) {
            int root = find(parent, u);
            Integer c = index.get(root);
            if (c == null) {
                c = components.size();
                index.put(root, c);
                components.add(new ArrayList<>());
            }
            components.get(c).add(u);
            componentOf[u] = c;
        }
        List<List<BudgetMeter.Product>> productsOf = new ArrayList<>();
        components.forEach(c -> productsOf.add(new ArrayList<>()));
        for (BudgetMeter.Product p : meter.products()) {
            int any = p.weightUnit() >= 0 ? p.weightUnit() : java.util.Arrays.stream(p.inputUnits()).filter(u -> u >= 0).findFirst().orElseThrow();
            productsOf.get(componentOf[any]).add(p);
        }
        int widths = problem.bitOptions().length;
        List<List<ChoiceKnapsack.Option>> groups = new ArrayList<>();
        List<int[][]> combos = new ArrayList<>();
        int[] bits = new int[n];
        for (int c = 0; c < components.size(); c++) {
            List<Integer> members = components.get(c);
            double combinations = Math.pow(widths, members.size());
            if (combinations > MAX_GROUP_OPTIONS) {
                throw new UserException("--allocator dp with a bops budget: " + members.size() + " units meet in one group of "
                        + "products (" + problem.meter().units().get(members.get(0)).name() + ", …), too many width combinations; "
                        + "use --allocator greedy");
            }
            List<ChoiceKnapsack.Option> options = new ArrayList<>();
            int[][] assignment = new int[(int) combinations][members.size()];
            for (int o = 0; o < combinations; o++) {
                int rest = o;
                double damage = 0;
                for (int m = 0; m < members.size(); m++) {
                    int option = rest % widths;
                    rest /= widths;
                    assignment[o][m] = option;
                    bits[members.get(m)] = problem.bitOptions()[option];
                    damage += problem.damage()[members.get(m)][option];
                }
                long cost = 0;
                for (BudgetMeter.Product p : productsOf.get(c)) {
                    cost += BudgetMeter.bops(p, bits);
                }
                options.add(new ChoiceKnapsack.Option(cost, damage));
            }
            groups.add(options);
            combos.add(assignment);
        }
        int[] chosen = ChoiceKnapsack.solve(groups, (long) Math.floor(limit) - meter.fixedBops(), cells);
        if (chosen == null) {
            return null;
        }
        int[] k = new int[n];
        for (int c = 0; c < components.size(); c++) {
            List<Integer> members = components.get(c);
            for (int m = 0; m < members.size(); m++) {
                k[members.get(m)] = combos.get(c)[chosen[c]][m];
            }
        }
        return k;
    }

    private static int find(int[] parent, int u) {
        while (parent[u] != u) {
            parent[u] = parent[parent[u]];
            u = parent[u];
        }
        return u;
    }

    private static int leastDamage(double[] row) {
        int best = row.length - 1; // on a tie, the widest
        for (int o = row.length - 1; o >= 0; o--) {
            if (row[o] < row[best]) {
                best = o;
            }
        }
        return best;
    }
}
