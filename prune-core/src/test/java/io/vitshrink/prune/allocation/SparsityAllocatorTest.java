package io.vitshrink.prune.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SparsityAllocatorTest {
    private static final double[] CANDIDATES = {0.2, 0.5, 0.8};

    /** Random curves that need not be convex (measured KL is not). */
    private static List<LayerSensitivity> curves(long seed, int layers) {
        Random r = new Random(seed);
        List<LayerSensitivity> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            long weights = 100 + r.nextInt(900);
            double[] e = new double[CANDIDATES.length];
            double acc = 0;
            for (int k = 0; k < e.length; k++) {
                acc += r.nextDouble() * (r.nextBoolean() ? 1 : 0.05);
                e[k] = acc;
            }
            out.add(new LayerSensitivity("l" + l, weights, weights * 3, CANDIDATES.clone(), e));
        }
        return out;
    }

    private static double removed(List<LayerSensitivity> layers, Map<String, Double> a, SparsityAllocator.Budget budget) {
        double sum = 0;
        for (LayerSensitivity s : layers) {
            long unit = budget == SparsityAllocator.Budget.WEIGHTS ? s.weights() : s.macs();
            sum += Math.floor(a.get(s.layer()) * unit);
        }
        return sum;
    }

    private static double error(List<LayerSensitivity> layers, Map<String, Double> a) {
        double sum = 0;
        for (LayerSensitivity s : layers) {
            double sp = a.get(s.layer());
            for (int k = 0; k < s.sparsities().length; k++) {
                if (s.sparsities()[k] == sp) {
                    sum += s.errors()[k];
                }
            }
        }
        return sum;
    }

    /** The least summed error over every combination (dense or a candidate per layer) that meets the target. */
    private static double bruteForce(List<LayerSensitivity> layers, double target) {
        int options = CANDIDATES.length + 1;
        int combos = (int) Math.pow(options, layers.size());
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < combos; c++) {
            int code = c;
            double removed = 0;
            double err = 0;
            for (LayerSensitivity s : layers) {
                int o = code % options;
                code /= options;
                if (o > 0) {
                    removed += Math.floor(CANDIDATES[o - 1] * s.weights());
                    err += s.errors()[o - 1];
                }
            }
            if (removed >= target) {
                best = Math.min(best, err);
            }
        }
        return best;
    }

    @Test
    void exactAllocationFindsTheBruteForceOptimumAndMeetsTheTarget() {
        for (long seed = 1; seed <= 20; seed++) {
            List<LayerSensitivity> layers = curves(seed, 5);
            long total = layers.stream().mapToLong(LayerSensitivity::weights).sum();
            double target = 0.45 * total;
            Map<String, Double> a = SparsityAllocator.allocateExact(layers, SparsityAllocator.Budget.WEIGHTS, target);
            assertThat(removed(layers, a, SparsityAllocator.Budget.WEIGHTS)).as("seed " + seed).isGreaterThanOrEqualTo(target);
            assertThat(error(layers, a)).as("seed " + seed)
                    .isCloseTo(bruteForce(layers, target), org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void exactAllocationIsNoWorseThanGreedyAndCountsMacsWhenAsked() {
        for (long seed = 1; seed <= 20; seed++) {
            List<LayerSensitivity> layers = curves(seed, 8);
            long macs = layers.stream().mapToLong(LayerSensitivity::macs).sum();
            double target = 0.5 * macs;
            Map<String, Double> greedy = SparsityAllocator.allocate(layers, SparsityAllocator.Budget.MACS, target);
            // the exact allocation counts whole MACs (floor per layer): a layer's count of greedy's answer may be one less
            double slack = layers.size();
            Map<String, Double> exact = SparsityAllocator.allocateExact(layers, SparsityAllocator.Budget.MACS, target - slack);
            assertThat(removed(layers, exact, SparsityAllocator.Budget.MACS)).isGreaterThanOrEqualTo(target - slack);
            assertThat(error(layers, exact)).as("seed " + seed).isLessThanOrEqualTo(error(layers, greedy) + 1e-12);
        }
    }

    @Test
    void anUnreachableTargetIsRefused() {
        List<LayerSensitivity> layers = curves(3, 3);
        long total = layers.stream().mapToLong(LayerSensitivity::weights).sum();
        assertThatThrownBy(() -> SparsityAllocator.allocateExact(layers, SparsityAllocator.Budget.WEIGHTS, 0.9 * total))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no allocation");
    }
}
