package io.vitshrink.onnx.testkit;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** An ONNX Runtime session over serialized model bytes, fed {@code pixel_values}, read {@code logits}. */
final class OrtModel implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession.SessionOptions options;
    private final OrtSession session;

    OrtModel(byte[] model) throws OrtException {
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        session = env.createSession(model, options);
    }

    /** Logits {@code [batch, classes]} row-major for an NCHW batch of square images. */
    float[] logits(float[] pixels, int batch, int channels, int size) throws OrtException {
        long[] shape = {batch, channels, size, size};
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
                OrtSession.Result result = session.run(Map.of(TinyVitBuilder.INPUT, in))) {
            OnnxTensor out = (OnnxTensor) result.get(TinyVitBuilder.OUTPUT).orElseThrow();
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            return values;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
        options.close();
    }
}
