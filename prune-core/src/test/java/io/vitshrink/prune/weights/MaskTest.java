package io.vitshrink.prune.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.InputGram;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Patterns, scores and mask selection on small matrices. */
class MaskTest {
    private static final int OUT = 16;
    private static final int IN = 24;

    private static double[] randomScores(long seed) {
        Random r = new Random(seed);
        double[] s = new double[OUT * IN];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextDouble();
        }
        return s;
    }

    @Test
    void blockMaskRemovesWholeLowestBlocks() {
        double[] s = randomScores(1);
        WeightMask m = MaskSelector.select(s, OUT, IN, SparsityPattern.block(4, 4), 0.5, false);
        assertEquals(0.5, m.sparsity(), 1e-9); // 24 blocks of 16: exactly 12
        boolean[] p = m.elements();
        double maxPruned = -1;
        double minKept = Double.MAX_VALUE;
        for (int br = 0; br < 4; br++) {
            for (int bc = 0; bc < 6; bc++) {
                double sum = 0;
                boolean first = p[br * 4 * IN + bc * 4];
                for (int r = br * 4; r < br * 4 + 4; r++) {
                    for (int c = bc * 4; c < bc * 4 + 4; c++) {
                        assertEquals(first, p[r * IN + c], "a block is removed whole");
                        sum += s[r * IN + c];
                    }
                }
                if (first) {
                    maxPruned = Math.max(maxPruned, sum);
                } else {
                    minKept = Math.min(minKept, sum);
                }
            }
        }
        assertTrue(maxPruned <= minKept, "lowest-scoring blocks go first");
    }

    @Test
    void twoOfFourKeepsTheTwoBestOfEveryGroup() {
        double[] s = randomScores(2);
        WeightMask m = MaskSelector.select(s, OUT, IN, SparsityPattern.nOfM(2, 4), 0, false);
        boolean[] p = m.elements();
        assertEquals(0.5, m.sparsity(), 1e-9);
        for (int r = 0; r < OUT; r++) {
            for (int g = 0; g < IN; g += 4) {
                int pruned = 0;
                double maxPruned = -1;
                double minKept = 2;
                for (int k = 0; k < 4; k++) {
                    int i = r * IN + g + k;
                    if (p[i]) {
                        pruned++;
                        maxPruned = Math.max(maxPruned, s[i]);
                    } else {
                        minKept = Math.min(minKept, s[i]);
                    }
                }
                assertEquals(2, pruned);
                assertTrue(maxPruned < minKept);
            }
        }
    }

    @Test
    void perRowUnstructuredPrunesEveryRowEqually() {
        WeightMask m = MaskSelector.select(randomScores(3), OUT, IN, SparsityPattern.unstructured(), 0.25, true);
        boolean[] p = m.elements();
        for (int r = 0; r < OUT; r++) {
            int n = 0;
            for (int c = 0; c < IN; c++) {
                n += p[r * IN + c] ? 1 : 0;
            }
            assertEquals(6, n);
        }
    }

    @Test
    void perBandBlocksPruneEveryBandEqually() {
        WeightMask m = MaskSelector.select(randomScores(6), OUT, IN, SparsityPattern.block(4, 4), 0.5, true);
        boolean[] p = m.elements();
        for (int band = 0; band < OUT / 4; band++) {
            int n = 0;
            for (int r = band * 4; r < band * 4 + 4; r++) {
                for (int c = 0; c < IN; c++) {
                    n += p[r * IN + c] ? 1 : 0;
                }
            }
            assertEquals(4 * IN / 2, n, "band " + band);
        }
    }

    @Test
    void edgeBlocksCountTheirRealSize() {
        // 16×24 with 16×16 blocks: two blocks of 256 and 128 weights; 1/3 sparsity removes the small one only
        double[] s = randomScores(4);
        WeightMask m = MaskSelector.select(s, OUT, IN, SparsityPattern.block(16, 16), 1.0 / 3, false);
        assertEquals(2, m.units());
        assertTrue(m.prunedWeights() == 128 || m.prunedWeights() == 256);
    }

    @Test
    void maskSurvivesBase64() {
        WeightMask m = MaskSelector.select(randomScores(5), OUT, IN, SparsityPattern.block(1, 4), 0.3, false);
        WeightMask back = WeightMask.fromBase64(m.pattern(), OUT, IN, m.toBase64());
        assertTrue(java.util.Arrays.equals(m.elements(), back.elements()));
    }

    @Test
    void wandaScaleIsTheInputNormAndHessianIsObsSaliency() {
        float[] w = {1f, -2f, 3f, 0.5f}; // 2 × 2
        float[] x = {1f, 0f, 0f, 2f, 1f, 2f}; // 3 tokens × 2
        InputGram g = new InputGram(2);
        g.add(x, 3);
        double[] wanda = ElementScores.of(ImportanceScore.WANDA, w, 2, 2, g, 0.01);
        assertEquals(1 * Math.sqrt(2), wanda[0], 1e-6);
        assertEquals(2 * Math.sqrt(8), wanda[1], 1e-6);
        double[] hess = ElementScores.of(ImportanceScore.HESSIAN, w, 2, 2, g, 0);
        // H = [[2,2],[2,8]], H⁻¹ = [[8,-2],[-2,2]]/12 → 1/[H⁻¹]_00 = 1.5, 1/[H⁻¹]_11 = 6
        assertEquals(1 * 1 * 1.5, hess[0], 1e-6);
        assertEquals(4 * 6, hess[1], 1e-6);
        assertEquals(3f, (float) ElementScores.of(ImportanceScore.MAGNITUDE, w, 2, 2, null, 0)[2]);
    }

    @Test
    void riaWeighsEachWeightByItsRowAndColumnSumsAndTheRootOfItsInputNorm() {
        float[] w = {1f, -2f, 3f, 0.5f}; // 2 × 2: rows |1|+|2| = 3, |3|+|0.5| = 3.5; columns 4, 2.5
        float[] x = {1f, 0f, 0f, 2f, 1f, 2f}; // diag XᵀX = (2, 8): ‖X_0‖ = √2, ‖X_1‖ = √8
        InputGram g = new InputGram(2);
        g.add(x, 3);
        double[] ria = ElementScores.of(ImportanceScore.RIA, w, 2, 2, g, 0.01);
        assertEquals((1 / 3.0 + 1 / 4.0) * Math.pow(2, 0.25), ria[0], 1e-9);
        assertEquals((2 / 3.0 + 2 / 2.5) * Math.pow(8, 0.25), ria[1], 1e-9);
        assertEquals((3 / 3.5 + 3 / 4.0) * Math.pow(2, 0.25), ria[2], 1e-9);
        assertEquals((0.5 / 3.5 + 0.5 / 2.5) * Math.pow(8, 0.25), ria[3], 1e-9);
        // a weight in a column of small weights counts for more, relative to its row, than under Wanda
        float[] v = {4f, 0.3f, 4f, 0.2f}; // column 1 is quiet: 0.3 and 0.2
        g = new InputGram(2);
        g.add(new float[] {1f, 1f}, 1);
        double[] r = ElementScores.of(ImportanceScore.RIA, v, 2, 2, g, 0);
        double[] wd = ElementScores.of(ImportanceScore.WANDA, v, 2, 2, g, 0);
        assertTrue(r[1] / r[0] > 5 * (wd[1] / wd[0]), r[1] / r[0] + " vs " + wd[1] / wd[0]);
        assertEquals(ImportanceScore.RIA, ImportanceScore.parse("ria"));
        assertTrue(ImportanceScore.RIA.needsCalibration());
    }

    @Test
    void patternsParseAndBadOnesAreUserErrors() {
        assertEquals(SparsityPattern.block(4, 4), SparsityPattern.parse("4x4", "--block"));
        assertEquals(SparsityPattern.nOfM(2, 4), SparsityPattern.parse("2:4", "--block"));
        assertEquals("1x4", SparsityPattern.parse("1X4", "--block").toString());
        assertThrows(UserException.class, () -> SparsityPattern.parse("4x", "--block"));
        assertThrows(UserException.class, () -> SparsityPattern.parse("4:2", "--block"));
        assertThrows(UserException.class, () -> ImportanceScore.parse("taylor"));
    }
}
