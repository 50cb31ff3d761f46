package io.vitshrink.onnx.metrics;

/**
 * Streaming accuracy and fidelity metrics. Feed batches of logits ({@code [n, classes]} row-major)
 * with labels ({@code -1} = unlabeled) and optionally the reference model's logits for the same
 * images. Sums are kept in double so that the order of batches does not change the result beyond
 * rounding.
 */
public final class ClassificationMetrics {
    private long images;
    private long labeled;
    private long top1;
    private long top5;
    private long compared;
    private long agree;
    private double klSum;
    private double cosineSum;

    /**
     * Adds one batch.
     *
     * @param logits model logits, {@code n × classes}
     * @param classes number of classes
     * @param labels label per image, -1 when unknown
     * @param reference reference logits of the same shape, or null
     */
    public void add(float[] logits, int classes, int[] labels, float[] reference) {
        int n = logits.length / classes;
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("labels for " + labels.length + " images, logits for " + n);
        }
        if (reference != null && reference.length != logits.length) {
            throw new IllegalArgumentException("reference logits have " + reference.length + " values, model " + logits.length);
        }
        for (int i = 0; i < n; i++) {
            int off = i * classes;
            images++;
            int label = labels == null ? -1 : labels[i];
            if (label >= 0) {
                labeled++;
                int rank = rankOf(logits, off, classes, label);
                if (rank == 0) {
                    top1++;
                }
                if (rank < 5) {
                    top5++;
                }
            }
            if (reference != null) {
                compared++;
                if (argmax(logits, off, classes) == argmax(reference, off, classes)) {
                    agree++;
                }
                klSum += kl(reference, logits, off, classes);
                cosineSum += cosine(reference, logits, off, classes);
            }
        }
    }

    /** How many logits beat the label's logit (0 = top-1); ties count against the label. */
    static int rankOf(float[] x, int off, int n, int label) {
        float v = x[off + label];
        int rank = 0;
        for (int j = 0; j < n; j++) {
            if (j != label && (x[off + j] > v || x[off + j] == v && j < label)) {
                rank++;
            }
        }
        return rank;
    }

    static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (x[off + j] > x[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /** KL(p ‖ q) between the softmax distributions of two logit rows, in nats. */
    static double kl(float[] p, float[] q, int off, int n) {
        double lseP = logSumExp(p, off, n);
        double lseQ = logSumExp(q, off, n);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double logP = p[off + j] - lseP;
            double logQ = q[off + j] - lseQ;
            sum += Math.exp(logP) * (logP - logQ);
        }
        return Math.max(0, sum);
    }

    static double logSumExp(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[off + j]);
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.exp(x[off + j] - max);
        }
        return max + Math.log(s);
    }

    static double cosine(float[] a, float[] b, int off, int n) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < n; j++) {
            dot += (double) a[off + j] * b[off + j];
            na += (double) a[off + j] * a[off + j];
            nb += (double) b[off + j] * b[off + j];
        }
        return na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
    }

    public long images() {
        return images;
    }

    public long labeledImages() {
        return labeled;
    }

    /** Top-1 accuracy over labeled images (NaN when none is labeled). */
    public double top1() {
        return labeled == 0 ? Double.NaN : (double) top1 / labeled;
    }

    public double top5() {
        return labeled == 0 ? Double.NaN : (double) top5 / labeled;
    }

    public long top1Correct() {
        return top1;
    }

    /** Fraction of images where model and reference pick the same class (NaN without reference). */
    public double agreementTop1() {
        return compared == 0 ? Double.NaN : (double) agree / compared;
    }

    /** Mean KL(reference ‖ model) in nats (NaN without reference). */
    public double meanKl() {
        return compared == 0 ? Double.NaN : klSum / compared;
    }

    public double meanLogitCosine() {
        return compared == 0 ? Double.NaN : cosineSum / compared;
    }
}
