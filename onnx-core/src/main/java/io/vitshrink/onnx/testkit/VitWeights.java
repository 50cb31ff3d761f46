package io.vitshrink.onnx.testkit;

/**
 * The weights of a plain tiny ViT in PyTorch's layouts (Linear weights {@code [out, in]}, Conv
 * {@code [D, C, p, p]}, qkv rows ordered q, k, v and within each head-major), drawn in one fixed
 * order from the config's seed. Every ViT export style writes these same numbers, transposed or
 * split as its exporter would; the arrays are never modified after generation.
 */
final class VitWeights {
    final float[] patchWeight;
    final float[] patchBias;
    final float[] classToken;
    final float[] positionEmbedding;
    final Block[] blocks;
    final float[] normWeight;
    final float[] normBias;
    final float[] headWeight;
    final float[] headBias;

    static final class Block {
        final float[] norm1Weight;
        final float[] norm1Bias;
        final float[] qkvWeight;
        final float[] qkvBias;
        final float[] projWeight;
        final float[] projBias;
        final float[] norm2Weight;
        final float[] norm2Bias;
        final float[] fc1Weight;
        final float[] fc1Bias;
        final float[] fc2Weight;
        final float[] fc2Bias;

        Block(WeightDraw draw, int d, int m, int depth) {
            // Residual branches are scaled down with depth so that the stream stays well-conditioned.
            double branchGain = 1.0 / Math.sqrt(depth);
            norm1Weight = draw.normWeight(d);
            norm1Bias = draw.normBias(d);
            // A gain above 1 on q and k makes attention peaked enough that tokens differ per image.
            qkvWeight = draw.linear(3 * d, d, 1.5);
            qkvBias = draw.bias(3 * d);
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

    VitWeights(TinyVitConfig c) {
        if (!c.style().isPlainVit()) {
            throw new IllegalArgumentException("VitWeights is for plain ViT styles, not " + c.style());
        }
        WeightDraw draw = new WeightDraw(c.seed());
        int d = c.width();
        int fanIn = c.channels() * c.patchSize() * c.patchSize();
        patchWeight = draw.linear(d, fanIn, 1.0);
        patchBias = draw.bias(d);
        classToken = draw.uniform(d, 0.0, 0.5);
        positionEmbedding = draw.uniform(c.tokens() * d, 0.0, 0.5);
        blocks = new Block[c.depth()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new Block(draw, d, c.mlpHidden(), c.depth());
        }
        normWeight = draw.normWeight(d);
        normBias = draw.normBias(d);
        headWeight = draw.linear(c.numClasses(), d, 2.0);
        headBias = draw.bias(c.numClasses());
    }
}
