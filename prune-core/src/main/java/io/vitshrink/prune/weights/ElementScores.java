package io.vitshrink.prune.weights;

import io.vitshrink.onnx.linalg.Cholesky;
import io.vitshrink.onnx.linalg.Damping;
import io.vitshrink.onnx.linalg.InputGram;

/** Per-weight importance of a {@code [out, in]} weight matrix under an {@link ImportanceScore}. */
public final class ElementScores {

    private ElementScores() {
    }

    /**
     * @param gram the layer input's Gram matrix; required unless the score is magnitude
     * @param lambda relative damping of H for the Hessian score
     */
    public static double[] of(ImportanceScore score, float[] w, int out, int in, InputGram gram, double lambda) {
        double[] s = new double[w.length];
        double[] perInput = new double[in];
        switch (score) {
            case MAGNITUDE -> java.util.Arrays.fill(perInput, 1);
            case WANDA -> {
                double[] d = requireGram(score, gram, in).diagonal();
                for (int j = 0; j < in; j++) {
                    perInput[j] = Math.sqrt(d[j]);
                }
            }
            case HESSIAN -> {
                double[] a = Damping.apply(requireGram(score, gram, in).matrix(), in, lambda);
                double[] inv = Cholesky.factor(a, in).inverse();
                for (int j = 0; j < in; j++) {
                    perInput[j] = 1.0 / inv[j * in + j];
                }
            }
            case RIA -> {
                return relativeImportance(w, out, in, requireGram(score, gram, in).diagonal());
            }
            default -> throw new IllegalStateException(score.name());
        }
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                double v = w[r * in + c];
                s[r * in + c] = score == ImportanceScore.HESSIAN ? v * v * perInput[c] : Math.abs(v) * perInput[c];
            }
        }
        return s;
    }

    /** RIA: |w| relative to its row's and its column's absolute sums, times ‖X_j‖^½ (= (XᵀX)_jj^¼). */
    private static double[] relativeImportance(float[] w, int out, int in, double[] inputSquares) {
        double[] rowSum = new double[out];
        double[] colSum = new double[in];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                double a = Math.abs(w[r * in + c]);
                rowSum[r] += a;
                colSum[c] += a;
            }
        }
        double[] s = new double[w.length];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                double a = Math.abs(w[r * in + c]);
                double relative = (rowSum[r] > 0 ? a / rowSum[r] : 0) + (colSum[c] > 0 ? a / colSum[c] : 0);
                s[r * in + c] = relative * Math.pow(inputSquares[c], 0.25);
            }
        }
        return s;
    }

    private static InputGram requireGram(ImportanceScore score, InputGram gram, int in) {
        if (gram == null || gram.dim() != in) {
            throw new IllegalArgumentException(score.key() + " scores need the input Gram matrix of width " + in);
        }
        return gram;
    }
}
