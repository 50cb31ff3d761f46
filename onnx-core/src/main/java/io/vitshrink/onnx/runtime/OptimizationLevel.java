package io.vitshrink.onnx.runtime;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/** ONNX Runtime graph optimization levels, named as the ORT documentation names them. */
public enum OptimizationLevel {
    DISABLE_ALL(OptLevel.NO_OPT),
    BASIC(OptLevel.BASIC_OPT),
    EXTENDED(OptLevel.EXTENDED_OPT),
    ALL(OptLevel.ALL_OPT);

    private final OptLevel ort;

    OptimizationLevel(OptLevel ort) {
        this.ort = ort;
    }

    OptLevel ort() {
        return ort;
    }
}
