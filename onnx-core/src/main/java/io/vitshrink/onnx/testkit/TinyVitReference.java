package io.vitshrink.onnx.testkit;

import java.util.Objects;

/**
 * The oracle: a plain-Java forward pass of the model {@link TinyVitBuilder} writes for a config, over
 * the same weights (same config and seed), in float32 tensors with sums accumulated in double. Every
 * plain ViT style is checked against {@link #logits}; the Swin-like style has its own forward pass
 * here. Thread-safe (immutable).
 */
public final class TinyVitReference {
    private final TinyVitConfig config;
    private final VitWeights vit;
    private final SwinWeights swin;

    public TinyVitReference(TinyVitConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.vit = config.style().isPlainVit() ? new VitWeights(config) : null;
        this.swin = config.style().isPlainVit() ? null : new SwinWeights(config);
    }

    public TinyVitConfig config() {
        return config;
    }

    /**
     * Logits {@code [batch, classes]} (row-major) for an NCHW float batch {@code [batch, C, H, W]}.
     *
     * @throws IllegalArgumentException when the array does not hold {@code batch} images of the config's shape
     */
    public float[] logits(float[] pixels, int batch) {
        int per = config.channels() * config.imageSize() * config.imageSize();
        if (batch < 1 || pixels.length != (long) batch * per) {
            throw new IllegalArgumentException("expected " + batch + " images of " + config.channels() + "x"
                    + config.imageSize() + "x" + config.imageSize() + " (" + (long) batch * per + " floats), got "
                    + pixels.length + " floats");
        }
        int k = config.numClasses();
        float[] out = new float[batch * k];
        for (int b = 0; b < batch; b++) {
            float[] one = vit != null ? vitForward(pixels, b) : swinForward(pixels, b);
            System.arraycopy(one, 0, out, b * k, k);
        }
        return out;
    }

    /** The predicted class (index of the largest logit, the first on ties) of each image. */
    public int[] predict(float[] pixels, int batch) {
        return argmax(logits(pixels, batch), batch, config.numClasses());
    }

    /** Row-wise argmax of a {@code [rows, cols]} matrix (the first maximum on ties). */
    public static int[] argmax(float[] values, int rows, int cols) {
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < cols; c++) {
                if (values[r * cols + c] > values[r * cols + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    private float[] vitForward(float[] pixels, int index) {
        TinyVitConfig c = config;
        int d = c.width();
        int t = c.tokens();
        int m = c.mlpHidden();
        float eps = c.layerNormEpsilon();
        float[] patches = RefMath.patchEmbed(pixels, index, c.channels(), c.imageSize(), c.patchSize(),
                vit.patchWeight, vit.patchBias, d);
        float[] x = new float[t * d];
        System.arraycopy(vit.classToken, 0, x, 0, d);
        System.arraycopy(patches, 0, x, d, patches.length);
        RefMath.addInPlace(x, vit.positionEmbedding);
        for (VitWeights.Block b : vit.blocks) {
            float[] y = RefMath.layerNorm(x, t, d, b.norm1Weight, b.norm1Bias, eps);
            float[] qkv = RefMath.linear(y, t, d, b.qkvWeight, b.qkvBias, 3 * d);
            float[] ctx = RefMath.attention(qkv, t, d, c.heads(), null);
            RefMath.addInPlace(x, RefMath.linear(ctx, t, d, b.projWeight, b.projBias, d));
            y = RefMath.layerNorm(x, t, d, b.norm2Weight, b.norm2Bias, eps);
            float[] hidden = RefMath.linear(y, t, d, b.fc1Weight, b.fc1Bias, m);
            RefMath.geluInPlace(hidden, c.gelu());
            RefMath.addInPlace(x, RefMath.linear(hidden, t, m, b.fc2Weight, b.fc2Bias, d));
        }
        float[] cls = new float[d];
        System.arraycopy(x, 0, cls, 0, d);
        cls = RefMath.layerNorm(cls, 1, d, vit.normWeight, vit.normBias, eps);
        return RefMath.linear(cls, 1, d, vit.headWeight, vit.headBias, c.numClasses());
    }

    private float[] swinForward(float[] pixels, int index) {
        TinyVitConfig c = config;
        float eps = c.layerNormEpsilon();
        int d0 = c.stageWidth(0);
        int grid0 = c.stageGrid(0);
        float[] x = RefMath.patchEmbed(pixels, index, c.channels(), c.imageSize(), c.patchSize(),
                swin.patchWeight, swin.patchBias, d0);
        x = RefMath.layerNorm(x, grid0 * grid0, d0, swin.patchNormWeight, swin.patchNormBias, eps);
        long[] relIndex = SwinLikeExport.relativePositionIndex(c.windowSize());
        for (int s = 0; s < 2; s++) {
            if (s == 1) {
                x = patchMerging(x, grid0, d0);
            }
            for (SwinWeights.Block b : swin.stages[s]) {
                x = swinBlock(x, b, c.stageGrid(s), c.stageWidth(s), c.stageHeads(s), relIndex);
            }
        }
        int dl = c.stageWidth(1);
        int tokens = c.stageGrid(1) * c.stageGrid(1);
        x = RefMath.layerNorm(x, tokens, dl, swin.normWeight, swin.normBias, eps);
        float[] pooled = new float[dl];
        for (int j = 0; j < dl; j++) {
            double acc = 0;
            for (int i = 0; i < tokens; i++) {
                acc += x[i * dl + j];
            }
            pooled[j] = (float) (acc / tokens);
        }
        return RefMath.linear(pooled, 1, dl, swin.headWeight, swin.headBias, c.numClasses());
    }

    /** Gathers 2×2 neighbourhoods into 4C features ordered (dx, dy), norms them and reduces to 2C. */
    private float[] patchMerging(float[] x, int grid, int d) {
        int half = grid / 2;
        float[] merged = new float[half * half * 4 * d];
        for (int y = 0; y < half; y++) {
            for (int xx = 0; xx < half; xx++) {
                int out = (y * half + xx) * 4 * d;
                for (int dx = 0; dx < 2; dx++) {
                    for (int dy = 0; dy < 2; dy++) {
                        int src = ((2 * y + dy) * grid + 2 * xx + dx) * d;
                        System.arraycopy(x, src, merged, out + (dx * 2 + dy) * d, d);
                    }
                }
            }
        }
        merged = RefMath.layerNorm(merged, half * half, 4 * d, swin.mergeNormWeight, swin.mergeNormBias,
                config.layerNormEpsilon());
        return RefMath.linear(merged, half * half, 4 * d, swin.mergeReduction, null, 2 * d);
    }

    private float[] swinBlock(float[] x, SwinWeights.Block b, int grid, int d, int heads, long[] relIndex) {
        int ws = config.windowSize();
        int n = ws * ws;
        int tokens = grid * grid;
        int m = (int) Math.round(d * config.mlpRatio());
        float eps = config.layerNormEpsilon();
        float[] bias = new float[heads * n * n];
        for (int h = 0; h < heads; h++) {
            for (int ij = 0; ij < n * n; ij++) {
                bias[h * n * n + ij] = b.biasTable[(int) relIndex[ij] * heads + h];
            }
        }
        float[] y = RefMath.layerNorm(x, tokens, d, b.norm1Weight, b.norm1Bias, eps);
        float[] out = new float[tokens * d];
        float[] window = new float[n * d];
        int perSide = grid / ws;
        for (int wy = 0; wy < perSide; wy++) {
            for (int wx = 0; wx < perSide; wx++) {
                for (int i = 0; i < n; i++) {
                    int token = (wy * ws + i / ws) * grid + wx * ws + i % ws;
                    System.arraycopy(y, token * d, window, i * d, d);
                }
                float[] qkv = RefMath.linear(window, n, d, b.qkvWeight, b.qkvBias, 3 * d);
                float[] ctx = RefMath.attention(qkv, n, d, heads, bias);
                float[] proj = RefMath.linear(ctx, n, d, b.projWeight, b.projBias, d);
                for (int i = 0; i < n; i++) {
                    int token = (wy * ws + i / ws) * grid + wx * ws + i % ws;
                    System.arraycopy(proj, i * d, out, token * d, d);
                }
            }
        }
        float[] res = x.clone();
        RefMath.addInPlace(res, out);
        y = RefMath.layerNorm(res, tokens, d, b.norm2Weight, b.norm2Bias, eps);
        float[] hidden = RefMath.linear(y, tokens, d, b.fc1Weight, b.fc1Bias, m);
        RefMath.geluInPlace(hidden, config.gelu());
        RefMath.addInPlace(res, RefMath.linear(hidden, tokens, m, b.fc2Weight, b.fc2Bias, d));
        return res;
    }
}
