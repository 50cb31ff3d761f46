package io.vitshrink.onnx;

import io.vitshrink.onnx.cost.CostModel;
import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.vit.VitRecognizer;
import io.vitshrink.onnx.vit.VitStructure;

/**
 * A model together with what vitshrink knows of it: value shapes, ViT structure and cost. The
 * starting point of every algorithm (quantize, prune, token reduction) and of {@code inspect}.
 */
public record AnalyzedModel(Model model, ValueShapes shapes, VitStructure structure, ModelCost cost) {

    /** Probes shapes with ONNX Runtime (symbolic image sizes taken as {@code imageSize}) and analyzes. */
    public static AnalyzedModel of(Model model, int imageSize) {
        ValueShapes shapes = new ShapeProbe(imageSize).probe(model);
        return new AnalyzedModel(model, shapes, VitRecognizer.recognize(model, shapes), CostModel.of(model, shapes));
    }

    public static AnalyzedModel of(Model model) {
        return of(model, 224);
    }
}
