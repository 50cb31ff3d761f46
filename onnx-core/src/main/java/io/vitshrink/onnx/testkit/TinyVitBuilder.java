package io.vitshrink.onnx.testkit;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.ValueInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds small deterministic Vision Transformer classifiers as {@link Model}s, written the way a real
 * exporter writes them ({@link ExportStyle}). The weights come from a fixed seed and are scaled so
 * that activations stay well-conditioned and different images get different logits (and argmax).
 * All plain ViT styles of one configuration compute the same function; {@link TinyVitReference}
 * computes it in plain Java.
 *
 * <pre>{@code
 * Model m = TinyVitBuilder.deitLike().style(ExportStyle.HUGGING_FACE).opset(13).seed(7).build();
 * float[] expected = TinyVitBuilder.deitLike().seed(7).reference().logits(pixels, batch);
 * }</pre>
 *
 * The model reads {@value #INPUT} {@code [batch, C, H, W]} float and writes {@value #OUTPUT}
 * {@code [batch, classes]} (no softmax); {@code batch} is a symbolic dimension unless
 * {@link #fixedBatch()} is called. Settings are validated when the config is made
 * ({@link #config()}, {@link #build()}), with a message naming the bad field.
 *
 * <p>{@link GeluForm#GELU_OP} needs opset 20: the builder refuses it at a lower opset (it never
 * raises the opset behind the caller's back, since the opset changes how LayerNorm is written).
 */
public final class TinyVitBuilder {
    /** The graph input's name. */
    public static final String INPUT = "pixel_values";
    /** The graph output's name. */
    public static final String OUTPUT = "logits";
    /** The name of the symbolic batch dimension. */
    public static final String BATCH = "batch";

    private ExportStyle style = ExportStyle.TIMM;
    private int depth = 2;
    private int width = 32;
    private int heads = 2;
    private double mlpRatio = 4.0;
    private int imageSize = 32;
    private int patchSize = 8;
    private int channels = 3;
    private int numClasses = 10;
    private long seed;
    private int opset = 17;
    private GeluForm gelu = GeluForm.ERF;
    private boolean dynamicBatch = true;
    private float layerNormEpsilon = 1e-6f;
    private int windowSize = 2;

    private TinyVitBuilder() {
    }

    /**
     * DeiT-like defaults: timm style, depth 2, width 32, 2 heads, MLP ratio 4, 32×32 RGB images in
     * 8×8 patches (16 patches + class token), 10 classes, seed 0, opset 17, exact (erf) GELU, dynamic
     * batch, LayerNorm epsilon 1e-6; window 2 for the Swin-like style.
     */
    public static TinyVitBuilder deitLike() {
        return new TinyVitBuilder();
    }

    /** A builder holding every setting of {@code config}. */
    public static TinyVitBuilder from(TinyVitConfig config) {
        TinyVitBuilder b = new TinyVitBuilder();
        b.style = config.style();
        b.depth = config.depth();
        b.width = config.width();
        b.heads = config.heads();
        b.mlpRatio = config.mlpRatio();
        b.imageSize = config.imageSize();
        b.patchSize = config.patchSize();
        b.channels = config.channels();
        b.numClasses = config.numClasses();
        b.seed = config.seed();
        b.opset = config.opset();
        b.gelu = config.gelu();
        b.dynamicBatch = config.dynamicBatch();
        b.layerNormEpsilon = config.layerNormEpsilon();
        b.windowSize = config.windowSize();
        return b;
    }

    public TinyVitBuilder style(ExportStyle value) {
        this.style = value;
        return this;
    }

    /** Transformer blocks (per stage for the Swin-like model). */
    public TinyVitBuilder depth(int value) {
        this.depth = value;
        return this;
    }

    /** Embedding dimension D. */
    public TinyVitBuilder width(int value) {
        this.width = value;
        return this;
    }

    public TinyVitBuilder heads(int value) {
        this.heads = value;
        return this;
    }

    /** MLP hidden width = width × ratio (must be a whole number). */
    public TinyVitBuilder mlpRatio(double value) {
        this.mlpRatio = value;
        return this;
    }

    public TinyVitBuilder imageSize(int value) {
        this.imageSize = value;
        return this;
    }

    public TinyVitBuilder patchSize(int value) {
        this.patchSize = value;
        return this;
    }

    public TinyVitBuilder channels(int value) {
        this.channels = value;
        return this;
    }

    public TinyVitBuilder classes(int value) {
        this.numClasses = value;
        return this;
    }

    public TinyVitBuilder seed(long value) {
        this.seed = value;
        return this;
    }

    /** Default-domain opset, 13 to 22; below 17 LayerNorm is written decomposed. */
    public TinyVitBuilder opset(int value) {
        this.opset = value;
        return this;
    }

    public TinyVitBuilder gelu(GeluForm value) {
        this.gelu = value;
        return this;
    }

    /** Declares the batch dimension as the fixed size 1 instead of the symbol {@value #BATCH}. */
    public TinyVitBuilder fixedBatch() {
        this.dynamicBatch = false;
        return this;
    }

    public TinyVitBuilder dynamicBatch() {
        this.dynamicBatch = true;
        return this;
    }

    public TinyVitBuilder layerNormEpsilon(float value) {
        this.layerNormEpsilon = value;
        return this;
    }

    /** Attention window side in patches (Swin-like style only). */
    public TinyVitBuilder windowSize(int value) {
        this.windowSize = value;
        return this;
    }

    /**
     * The validated settings.
     *
     * @throws IllegalArgumentException naming the field when a setting is invalid
     */
    public TinyVitConfig config() {
        return new TinyVitConfig(style, depth, width, heads, mlpRatio, imageSize, patchSize, channels, numClasses,
                seed, opset, gelu, dynamicBatch, layerNormEpsilon, windowSize);
    }

    /** The model of the current settings. */
    public Model build() {
        return build(config());
    }

    /** The reference forward pass of the current settings (same weights as {@link #build()}). */
    public TinyVitReference reference() {
        return new TinyVitReference(config());
    }

    /** The serialized ONNX model. */
    public byte[] toBytes() {
        return ModelIO.toBytes(build());
    }

    /** Builds the model and saves it (atomically) to {@code file}; returns {@code file}. */
    public Path writeTo(Path file) {
        ModelIO.save(build(), file);
        return file;
    }

    /** The model of a config. */
    public static Model build(TinyVitConfig c) {
        Graph graph = new Graph("torch_jit");
        Dim batch = c.dynamicBatch() ? Dim.symbolic(BATCH) : Dim.of(1);
        graph.addInput(new ValueInfo(INPUT, DataType.FLOAT,
                List.of(batch, Dim.of(c.channels()), Dim.of(c.imageSize()), Dim.of(c.imageSize()))));
        ExportGraph g = new ExportGraph(graph, c.opset(), 100 + 50 * c.depth());
        switch (c.style()) {
            case TIMM -> TimmExport.write(g, c, new VitWeights(c), INPUT, OUTPUT);
            case HUGGING_FACE -> HuggingFaceExport.write(g, c, new VitWeights(c), INPUT, OUTPUT);
            case TORCHVISION -> TorchvisionExport.write(g, c, new VitWeights(c), INPUT, OUTPUT);
            case SWIN_LIKE -> SwinLikeExport.write(g, c, new SwinWeights(c), INPUT, OUTPUT);
            default -> throw new IllegalStateException("unhandled style " + c.style());
        }
        g.finish();
        graph.addOutput(new ValueInfo(OUTPUT, DataType.FLOAT, List.of(batch, Dim.of(c.numClasses()))));

        Model model = new Model(irVersionFor(c.opset()), Map.of("", (long) c.opset()), graph);
        model.setProducer("vitshrink-testkit", exporterImitated(c.style()));
        model.setDocString("Synthetic tiny " + (c.style().isPlainVit() ? "ViT" : "Swin-like model")
                + " with random weights (seed " + c.seed() + "), written the way " + exporterImitated(c.style())
                + " writes it; not a trained model.");
        model.putMetadata("vitshrink.testkit.config", c.summary());
        model.putMetadata("vitshrink.testkit.parameters", Long.toString(c.parameterCount()));
        return model;
    }

    /** The oldest IR version that carries the opset (what the ONNX release of that opset wrote). */
    static long irVersionFor(int opset) {
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    private static String exporterImitated(ExportStyle style) {
        return switch (style) {
            case TIMM -> "timm via torch.onnx.export 1.13";
            case HUGGING_FACE -> "transformers ViTForImageClassification via torch.onnx.export 1.13";
            case TORCHVISION -> "torchvision VisionTransformer via torch.onnx.export 1.13";
            case SWIN_LIKE -> "a timm-like Swin via torch.onnx.export (no constant folding of the bias Gather)";
        };
    }
}
