package io.vitshrink.quant.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vitshrink.onnx.UserException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllocatorTest {
    private static final int[] BITS = {2, 4, 8};

    /** Budgets between the all-narrowest and all-widest plans, of each kind. */
    private static List<Budget> budgets(AllocationProblem p) {
        Measures low = p.meter().measure(p.bits(p.uniform(0)));
        Measures high = p.meter().measure(p.bits(p.uniform(BITS.length - 1)));
        return List.of(
                Budget.parse("avg_bits=4").between(low, high, 0.2),
                Budget.parse("avg_bits=4").between(low, high, 0.55),
                Budget.parse("w_bits=4").between(low, high, 0.4),
                Budget.parse("a_bits=4").between(low, high, 0.3),
                Budget.parse("w_bits=1,a_bits=1").between(low, high, 0.7),
                Budget.parse("bytes=1").between(low, high, 0.35),
                Budget.parse("bytes=1,a_bits=1").between(low, high, 0.5),
                Budget.parse("bops=1").between(low, high, 0.25),
                Budget.parse("bops=1").between(low, high, 0.6));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void knapsackEqualsBruteForceAndGreedyNeverBeatsIt(long seed) {
        AllocationProblem p = SyntheticProblems.random(seed, 3, BITS); // 8 units, 3^8 assignments
        for (Budget b : budgets(p)) {
            double exact = SyntheticProblems.bruteForce(p, b);
            Optional<Allocation> dp = new KnapsackAllocator().allocate(p, b);
            Optional<Allocation> greedy = new GreedyAllocator().allocate(p, b);
            if (Double.isNaN(exact)) {
                assertThat(dp).as("nothing fits %s", b).isEmpty();
                continue;
            }
            assertThat(dp).as("dp finds a plan for %s", b).isPresent();
            assertThat(b.allows(dp.get().measures())).as("dp plan within %s", b).isTrue();
            assertThat(dp.get().predictedDamage()).as("dp optimum for %s", b).isCloseTo(exact, within(1e-12));
            assertThat(greedy).as("greedy finds a plan for %s", b).isPresent();
            assertThat(b.allows(greedy.get().measures())).as("greedy plan within %s", b).isTrue();
            assertThat(greedy.get().predictedDamage()).isGreaterThanOrEqualTo(exact - 1e-12);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void aCoarseCostGridStillKeepsTheBudgetAndComesClose(long seed) {
        AllocationProblem p = SyntheticProblems.random(seed, 3, BITS);
        Measures low = p.meter().measure(p.bits(p.uniform(0)));
        Measures high = p.meter().measure(p.bits(p.uniform(BITS.length - 1)));
        Budget b = Budget.parse("bops=1").between(low, high, 0.5);
        Allocation coarse = new KnapsackAllocator(20).allocate(p, b).orElseThrow();
        assertThat(b.allows(coarse.measures())).isTrue();
        assertThat(coarse.predictedDamage()).isGreaterThanOrEqualTo(SyntheticProblems.bruteForce(p, b) - 1e-12);
    }

    @org.junit.jupiter.api.Test
    void greedyLowersTheLeastSensitiveUnitFirst() {
        // two weight units of equal size: the one whose damage barely grows goes down first
        AllocationProblem p = new AllocationProblem(new BudgetMeter(List.of(
                SyntheticProblems.unit("sensitive", io.vitshrink.quant.plan.TensorRole.WEIGHT, "n0", 10),
                SyntheticProblems.unit("robust", io.vitshrink.quant.plan.TensorRole.WEIGHT, "n1", 10)),
                new io.vitshrink.onnx.cost.ModelCost(List.of(), 20, 80, 0)), new int[] {4, 8},
                new double[][] {{1.0, 0.0}, {0.01, 0.0}});
        Allocation a = new GreedyAllocator().allocate(p, Budget.parse("w_bits=6")).orElseThrow();
        assertThat(a.bits()).containsExactly(8, 4);
        assertThat(new GreedyAllocator().allocate(p, Budget.parse("w_bits=3"))).isEmpty();
        assertThat(new KnapsackAllocator().allocate(p, Budget.parse("w_bits=3"))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void dpRefusesBudgetsItCannotSolveExactly() {
        AllocationProblem p = SyntheticProblems.random(1, 2, BITS);
        assertThatThrownBy(() -> new KnapsackAllocator().allocate(p, new Budget(Map.of(Budget.Kind.BOPS, 1e9, Budget.Kind.W_BITS, 4.0))))
                .isInstanceOf(UserException.class).hasMessageContaining("greedy");
    }

    @org.junit.jupiter.api.Test
    void theSquareRootDamageModelKeepsFewerUnitsNarrowThanTheAdditiveOne() {
        // A alone, or B and C together, can go to 4 bits: Σ KL prefers B + C (0.08 < 0.09),
        // Σ √KL prefers A (0.3 < 0.4), the choice for errors that add up in the same direction
        AllocationProblem p = new AllocationProblem(new BudgetMeter(List.of(
                SyntheticProblems.unit("A", io.vitshrink.quant.plan.TensorRole.WEIGHT, "n0", 20),
                SyntheticProblems.unit("B", io.vitshrink.quant.plan.TensorRole.WEIGHT, "n1", 10),
                SyntheticProblems.unit("C", io.vitshrink.quant.plan.TensorRole.WEIGHT, "n2", 10)),
                new io.vitshrink.onnx.cost.ModelCost(List.of(), 40, 160, 0)), new int[] {4, 8},
                new double[][] {{0.09, 0.0}, {0.04, 0.0}, {0.04, 0.0}});
        Budget b = Budget.parse("w_bits=6");
        assertThat(new KnapsackAllocator().allocate(p, b).orElseThrow().bits()).containsExactly(8, 4, 4);
        AllocationProblem root = p.withDamageExponent(0.5);
        assertThat(root.damage()[1][0]).isCloseTo(0.2, within(1e-12));
        Allocation a = new KnapsackAllocator().allocate(root, b).orElseThrow();
        assertThat(a.bits()).containsExactly(4, 8, 8);
        assertThat(a.predictedDamage()).isCloseTo(0.3, within(1e-12));
        assertThat(p.allocationOfBits(a.bits()).predictedDamage()).as("judged additively again").isCloseTo(0.09, within(1e-12));
        assertThat(p.withDamageExponent(1)).isSameAs(p);
        assertThatThrownBy(() -> p.withDamageExponent(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.allocationOfBits(new int[] {4, 6, 8})).isInstanceOf(IllegalArgumentException.class);
    }
}
