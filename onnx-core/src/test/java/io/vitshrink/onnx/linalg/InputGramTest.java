package io.vitshrink.onnx.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InputGramTest {

    @Test
    void streamedGramEqualsNaiveXtX() {
        int d = 37; // not a multiple of the tile
        int rows = 700; // more than one chunk
        Random r = new Random(1);
        float[] x = new float[rows * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 5 == 0 ? 0f : (float) r.nextGaussian();
        }
        InputGram g = new InputGram(d);
        g.add(java.util.Arrays.copyOf(x, 300 * d), 300); // two calls: batches
        g.add(java.util.Arrays.copyOfRange(x, 300 * d, rows * d), rows - 300);
        double[] m = g.matrix();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int t = 0; t < rows; t++) {
                    s += (double) x[t * d + i] * x[t * d + j];
                }
                assertEquals(s, m[i * d + j], 1e-3 * (1 + Math.abs(s)), i + "," + j);
            }
        }
        assertEquals(m[5 * d + 5], g.diagonal()[5]);
    }
}
