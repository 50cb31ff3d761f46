package io.vitshrink.prune.calibration;

/**
 * X̃ᵀX of two token matrices with the same rows (the same calibration tokens through the pruned and
 * through the dense model), accumulated batch by batch in double; unlike a Gram matrix it is not
 * symmetric. Rows are X̃'s features, columns X's.
 */
public final class CrossProduct {
    private final int dim;
    private final double[] sum;

    public CrossProduct(int dim) {
        this.dim = dim;
        this.sum = new double[dim * dim];
    }

    public int dim() {
        return dim;
    }

    /** Adds one batch's X̃ᵀX ({@code dim × dim}, row-major, formed by ONNX Runtime). */
    public void addProduct(float[] product) {
        if (product.length != dim * dim) {
            throw new IllegalArgumentException("a " + dim + "² cross product cannot take " + product.length + " values");
        }
        for (int k = 0; k < product.length; k++) {
            sum[k] += product[k];
        }
    }

    /** The accumulated matrix (a copy), row-major. */
    public double[] matrix() {
        return sum.clone();
    }
}
