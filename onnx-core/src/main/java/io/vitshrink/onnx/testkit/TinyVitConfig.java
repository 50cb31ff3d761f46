package io.vitshrink.onnx.testkit;

/**
 * The complete, validated description of a tiny ViT: architecture, weight seed and how the graph is
 * written. Two equal configs build byte-identical models. Build one with {@link TinyVitBuilder}.
 *
 * @param style            how the graph is written (and, for {@link ExportStyle#SWIN_LIKE}, which model)
 * @param depth            transformer blocks (per stage for the Swin-like model)
 * @param width            embedding dimension D (of the first stage for the Swin-like model)
 * @param heads            attention heads (of the first stage for the Swin-like model)
 * @param mlpRatio         MLP hidden width over D; {@code width * mlpRatio} must be a whole number
 * @param imageSize        input height and width in pixels
 * @param patchSize        patch side; the patch-embedding Conv has kernel = stride = patch
 * @param channels         input channels
 * @param numClasses       logits per image
 * @param seed             seed of the weights ({@link java.util.SplittableRandom})
 * @param opset            default-domain opset, 13 to 22: below 17 LayerNorm is decomposed as
 *                         PyTorch exports it at opset 13, from 17 on it is {@code LayerNormalization}
 * @param gelu             how GELU is written
 * @param dynamicBatch     batch dimension declared as the symbol {@code batch} (else fixed to 1)
 * @param layerNormEpsilon epsilon of every LayerNorm (timm and torchvision use 1e-6)
 * @param windowSize       attention window side in patches, used by the Swin-like model only
 */
public record TinyVitConfig(
        ExportStyle style,
        int depth,
        int width,
        int heads,
        double mlpRatio,
        int imageSize,
        int patchSize,
        int channels,
        int numClasses,
        long seed,
        int opset,
        GeluForm gelu,
        boolean dynamicBatch,
        float layerNormEpsilon,
        int windowSize) {

    /** Lowest and highest opset the kit writes. */
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 22;

    public TinyVitConfig {
        require(style != null, "style", "must be set");
        require(gelu != null, "gelu", "must be set");
        require(depth >= 1, "depth", "must be at least 1, got " + depth);
        require(width >= 1, "width", "must be at least 1, got " + width);
        require(heads >= 1, "heads", "must be at least 1, got " + heads);
        require(width % heads == 0, "heads", "must divide width " + width + ", got " + heads);
        require(mlpRatio > 0 && Double.isFinite(mlpRatio), "mlpRatio", "must be positive, got " + mlpRatio);
        double hidden = width * mlpRatio;
        require(hidden == Math.rint(hidden), "mlpRatio",
                "width * mlpRatio must be a whole number, got " + width + " * " + mlpRatio);
        require(patchSize >= 1, "patchSize", "must be at least 1, got " + patchSize);
        require(imageSize >= patchSize && imageSize % patchSize == 0, "imageSize",
                "must be a positive multiple of patchSize " + patchSize + ", got " + imageSize);
        require(channels >= 1, "channels", "must be at least 1, got " + channels);
        require(numClasses >= 1, "numClasses", "must be at least 1, got " + numClasses);
        require(opset >= MIN_OPSET && opset <= MAX_OPSET, "opset",
                "must be between " + MIN_OPSET + " and " + MAX_OPSET + ", got " + opset);
        require(opset >= gelu.minimumOpset(), "gelu", gelu + " needs opset " + gelu.minimumOpset()
                + " or newer (the Gelu operator), but opset is " + opset + "; call opset(" + gelu.minimumOpset()
                + ") or use GeluForm.ERF, which is the same function");
        require(layerNormEpsilon > 0 && Float.isFinite(layerNormEpsilon), "layerNormEpsilon",
                "must be positive, got " + layerNormEpsilon);
        require(windowSize >= 1, "windowSize", "must be at least 1, got " + windowSize);
        if (style == ExportStyle.SWIN_LIKE) {
            int grid = imageSize / patchSize;
            require(grid % 2 == 0 && grid % windowSize == 0 && (grid / 2) % windowSize == 0, "windowSize",
                    "the Swin-like model needs the patch grid (" + grid + ") to be even and both stage grids ("
                            + grid + ", " + grid / 2 + ") to be multiples of the window, got " + windowSize);
        }
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new IllegalArgumentException("tiny ViT " + field + ": " + message);
        }
    }

    /** Channels per head, {@code width / heads}. */
    public int headDim() {
        return width / heads;
    }

    /** MLP hidden width, {@code width * mlpRatio}. */
    public int mlpHidden() {
        return (int) Math.rint(width * mlpRatio);
    }

    /** Patches along one side. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Patch tokens N (without the class token). */
    public int patches() {
        return gridSize() * gridSize();
    }

    /** Tokens per image in a plain ViT: patches plus the class token. */
    public int tokens() {
        return patches() + 1;
    }

    /** Whether LayerNorm is written decomposed (opsets below 17) rather than as the operator. */
    public boolean decomposedLayerNorm() {
        return opset < 17;
    }

    /**
     * The number of trainable parameters: what the float initializers of the built model add up to.
     * For a plain ViT: patch Conv + class token + position embedding + depth × (2 LayerNorms + qkv +
     * proj + fc1 + fc2) + final LayerNorm + head.
     */
    public long parameterCount() {
        long c = channels;
        long p = patchSize;
        long k = numClasses;
        if (style.isPlainVit()) {
            long d = width;
            long m = mlpHidden();
            long block = 2 * (2 * d) + (3 * d * d + 3 * d) + (d * d + d) + (m * d + m) + (d * m + d);
            return (d * c * p * p + d) + d + (long) tokens() * d + depth * block + 2 * d + (k * d + k);
        }
        long total = (long) width * c * p * p + width + 2L * width;
        long tableRows = (2L * windowSize - 1) * (2L * windowSize - 1);
        for (int s = 0; s < 2; s++) {
            long d = stageWidth(s);
            long m = Math.round(d * mlpRatio);
            long block = 4 * d + (3 * d * d + 3 * d) + tableRows * stageHeads(s) + (d * d + d) + (m * d + m) + (d * m + d);
            total += depth * block;
        }
        long d0 = stageWidth(0);
        total += 2 * (4 * d0) + (4 * d0) * (2 * d0);
        long dl = stageWidth(1);
        return total + 2 * dl + (k * dl + k);
    }

    /** Swin-like model: channels of stage {@code s} (0 or 1). */
    public int stageWidth(int s) {
        return width << s;
    }

    /** Swin-like model: heads of stage {@code s} (0 or 1). */
    public int stageHeads(int s) {
        return heads << s;
    }

    /** Swin-like model: patches along one side in stage {@code s} (0 or 1). */
    public int stageGrid(int s) {
        return gridSize() >> s;
    }

    /** A one-line summary, written into the model's metadata. */
    public String summary() {
        return style + " depth=" + depth + " width=" + width + " heads=" + heads + " mlpRatio=" + mlpRatio
                + " image=" + imageSize + " patch=" + patchSize + " channels=" + channels + " classes=" + numClasses
                + " seed=" + seed + " opset=" + opset + " gelu=" + gelu + " batch=" + (dynamicBatch ? "dynamic" : "1")
                + " eps=" + layerNormEpsilon + (style == ExportStyle.SWIN_LIKE ? " window=" + windowSize : "");
    }
}
