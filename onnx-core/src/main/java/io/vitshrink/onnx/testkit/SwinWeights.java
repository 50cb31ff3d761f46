package io.vitshrink.onnx.testkit;

/**
 * The weights of the Swin-like model in PyTorch's layouts, drawn in one fixed order from the
 * config's seed: patch Conv and its norm, two stages of window-attention blocks (each with a
 * relative position bias table {@code [(2w-1)^2, heads]}), a patch-merging norm and reduction
 * between the stages, the final norm and the head.
 */
final class SwinWeights {
    final float[] patchWeight;
    final float[] patchBias;
    final float[] patchNormWeight;
    final float[] patchNormBias;
    final Block[][] stages;
    final float[] mergeNormWeight;
    final float[] mergeNormBias;
    /** {@code [2D, 4D]}, no bias, as timm's {@code PatchMerging.reduction}. */
    final float[] mergeReduction;
    final float[] normWeight;
    final float[] normBias;
    final float[] headWeight;
    final float[] headBias;

    static final class Block {
        final float[] norm1Weight;
        final float[] norm1Bias;
        final float[] qkvWeight;
        final float[] qkvBias;
        final float[] biasTable;
        final float[] projWeight;
        final float[] projBias;
        final float[] norm2Weight;
        final float[] norm2Bias;
        final float[] fc1Weight;
        final float[] fc1Bias;
        final float[] fc2Weight;
        final float[] fc2Bias;

        Block(WeightDraw draw, int d, int m, int heads, int window, int depth) {
            double branchGain = 1.0 / Math.sqrt(2.0 * depth);
            int rows = (2 * window - 1) * (2 * window - 1);
            norm1Weight = draw.normWeight(d);
            norm1Bias = draw.normBias(d);
            qkvWeight = draw.linear(3 * d, d, 1.5);
            qkvBias = draw.bias(3 * d);
            biasTable = draw.uniform(rows * heads, 0.0, 0.5);
            projWeight = draw.linear(d, d, branchGain);
            projBias = draw.bias(d);
            norm2Weight = draw.normWeight(d);
            norm2Bias = draw.normBias(d);
            fc1Weight = draw.linear(m, d, 1.5);
            fc1Bias = draw.bias(m);
            fc2Weight = draw.linear(d, m, 1.5 * branchGain);
            fc2Bias = draw.bias(d);
        }
    }

    SwinWeights(TinyVitConfig c) {
        if (c.style() != ExportStyle.SWIN_LIKE) {
            throw new IllegalArgumentException("SwinWeights is for the Swin-like style, not " + c.style());
        }
        WeightDraw draw = new WeightDraw(c.seed());
        int d0 = c.stageWidth(0);
        int fanIn = c.channels() * c.patchSize() * c.patchSize();
        patchWeight = draw.linear(d0, fanIn, 1.0);
        patchBias = draw.bias(d0);
        patchNormWeight = draw.normWeight(d0);
        patchNormBias = draw.normBias(d0);
        stages = new Block[2][c.depth()];
        float[][] merge = null;
        for (int s = 0; s < 2; s++) {
            int d = c.stageWidth(s);
            int m = (int) Math.round(d * c.mlpRatio());
            for (int i = 0; i < c.depth(); i++) {
                stages[s][i] = new Block(draw, d, m, c.stageHeads(s), c.windowSize(), c.depth());
            }
            if (s == 0) {
                merge = new float[][] {draw.normWeight(4 * d0), draw.normBias(4 * d0), draw.linear(2 * d0, 4 * d0, 1.0)};
            }
        }
        mergeNormWeight = merge[0];
        mergeNormBias = merge[1];
        mergeReduction = merge[2];
        int dl = c.stageWidth(1);
        normWeight = draw.normWeight(dl);
        normBias = draw.normBias(dl);
        headWeight = draw.linear(c.numClasses(), dl, 2.0);
        headBias = draw.bias(c.numClasses());
    }
}
