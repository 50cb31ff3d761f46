package io.vitshrink.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session. Inputs and outputs are {@link Tensor}s; every native tensor created for
 * a run is closed before {@code run} returns, also when ORT fails.
 */
public final class Runner implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<String> inputNames;
    private final List<String> outputNames;

    private Runner(OrtSession session) throws OrtException {
        this.env = OrtEnvironment.getEnvironment();
        this.session = session;
        this.inputNames = List.copyOf(session.getInputInfo().keySet());
        this.outputNames = List.copyOf(session.getOutputInfo().keySet());
    }

    /** A session over an in-memory model. */
    public static Runner open(Model model, RunnerOptions options) {
        byte[] bytes = ModelIO.toBytes(model);
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            return wrap(OrtEnvironment.getEnvironment().createSession(bytes, so));
        } catch (OrtException e) {
            throw new UserException("ONNX Runtime cannot load the model: " + firstLine(e), e);
        }
    }

    /** A session over a model file (needed when its weights live in an external data file). */
    public static Runner open(Path modelFile, RunnerOptions options) {
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            return wrap(OrtEnvironment.getEnvironment().createSession(modelFile.toString(), so));
        } catch (OrtException e) {
            throw new UserException("ONNX Runtime cannot load '" + modelFile + "': " + firstLine(e), e);
        }
    }

    /** Wraps a new session; closes it if the wrapper cannot be made, so no native session leaks. */
    private static Runner wrap(OrtSession session) throws OrtException {
        try {
            return new Runner(session);
        } catch (OrtException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions sessionOptions(RunnerOptions o) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setOptimizationLevel(o.optimization().ort());
            if (o.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(o.intraOpThreads());
            }
            if (o.interOpThreads() > 0) {
                so.setInterOpNumThreads(o.interOpThreads());
            }
            so.setDeterministicCompute(o.deterministic());
            for (Map.Entry<String, String> e : o.config().entrySet()) {
                so.addConfigEntry(e.getKey(), e.getValue());
            }
            if (o.optimizedModelPath() != null) {
                so.setOptimizedModelFilePath(o.optimizedModelPath().toString());
            }
            if (o.profilePrefix() != null) {
                so.enableProfiling(o.profilePrefix().toString());
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    /**
     * Stops the profiling that {@link RunnerOptions#withProfiling} started and returns the trace file
     * ORT wrote (one event per node per run, durations in microseconds).
     */
    public Path endProfiling() {
        try {
            return Path.of(session.endProfiling());
        } catch (OrtException e) {
            throw new UserException("ONNX Runtime could not finish its profile: " + firstLine(e), e);
        }
    }

    public List<String> inputNames() {
        return inputNames;
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** Declared input shapes as ORT reports them (-1 for dynamic dimensions). */
    public Map<String, long[]> inputShapes() {
        try {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof TensorInfo ti) {
                    shapes.put(e.getKey(), ti.getShape());
                }
            }
            return shapes;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs and returns every graph output. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return run(inputs, outputNames);
    }

    /** Runs and returns the requested outputs, in the requested order. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Collection<String> outputs) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                feeds.put(e.getKey(), toOrt(e.getValue()));
            }
            try (OrtSession.Result result = session.run(feeds, new LinkedHashSet<>(outputs))) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (String name : outputs) {
                    OnnxValue v = result.get(name).orElseThrow(
                            () -> new IllegalStateException("ONNX Runtime returned no output '" + name + "'"));
                    out.put(name, fromOrt(name, (OnnxTensor) v));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new UserException("ONNX Runtime failed to run the model: " + firstLine(e), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Runs and returns float outputs as plain arrays with their shapes, copied once out of ORT's
     * buffers (the calibration hot path: no intermediate byte arrays).
     */
    public Map<String, FloatOutput> runFloats(Map<String, Tensor> inputs, Collection<String> outputs) {
        return runFloats(inputs, outputs, new java.util.HashMap<>());
    }

    /**
     * {@link #runFloats(Map, Collection)} that copies each output into the array {@code buffers} holds for
     * it when the size fits, and otherwise into a new one it leaves there. A pass over many batches then
     * allocates its output arrays once: the exposed activations of a ViT are megabytes per tensor per
     * batch, and allocating them anew for every batch is a steady stream of large-object garbage. The
     * returned data is only valid until the next call with the same {@code buffers}.
     */
    public Map<String, FloatOutput> runFloats(Map<String, Tensor> inputs, Collection<String> outputs,
            Map<String, float[]> buffers) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                feeds.put(e.getKey(), toOrt(e.getValue()));
            }
            try (OrtSession.Result result = session.run(feeds, new LinkedHashSet<>(outputs))) {
                Map<String, FloatOutput> out = new LinkedHashMap<>();
                for (String name : outputs) {
                    OnnxTensor v = (OnnxTensor) result.get(name).orElseThrow(
                            () -> new IllegalStateException("ONNX Runtime returned no output '" + name + "'"));
                    if (v.getInfo().type != OnnxJavaType.FLOAT) {
                        throw new UserException("value '" + name + "' is " + v.getInfo().type + ", not float");
                    }
                    FloatBuffer fb = OutputViews.floats(v); // one copy: into data, below
                    float[] data = buffers.get(name);
                    if (data == null || data.length != fb.remaining()) {
                        data = new float[fb.remaining()];
                        buffers.put(name, data);
                    }
                    fb.get(data);
                    out.put(name, new FloatOutput(data, v.getInfo().getShape()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new UserException("ONNX Runtime failed to run the model: " + firstLine(e), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** A float output: values (row-major) and shape. */
    public record FloatOutput(float[] data, long[] shape) {
    }

    /**
     * Runs and returns only the shapes of the requested outputs (no data is copied out, so it also
     * works for element types the Java API cannot read).
     */
    public Map<String, long[]> runShapes(Map<String, Tensor> inputs, Collection<String> outputs) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                feeds.put(e.getKey(), toOrt(e.getValue()));
            }
            try (OrtSession.Result result = session.run(feeds, new LinkedHashSet<>(outputs))) {
                Map<String, long[]> out = new LinkedHashMap<>();
                for (String name : outputs) {
                    result.get(name).ifPresent(v -> {
                        if (v.getInfo() instanceof TensorInfo ti) {
                            out.put(name, ti.getShape());
                        }
                    });
                }
                return out;
            }
        } catch (OrtException e) {
            throw new UserException("ONNX Runtime failed to run the model: " + firstLine(e), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** Convenience for single-input classifiers: feeds a float batch, returns the first output. */
    public Tensor runBatch(float[] batch, long[] shape) {
        if (inputNames.size() != 1) {
            throw new UserException("the model has " + inputNames.size() + " inputs " + inputNames
                    + "; vitshrink expects one image input");
        }
        String in = inputNames.get(0);
        return run(Map.of(in, Tensor.ofFloats(in, shape, batch)), List.of(outputNames.get(0))).get(outputNames.get(0));
    }

    private OnnxTensor toOrt(Tensor t) throws OrtException {
        long[] shape = t.dims();
        ByteBuffer raw = ByteBuffer.allocateDirect((int) t.sizeBytes()).order(ByteOrder.nativeOrder());
        return switch (t.type()) {
            case FLOAT -> {
                FloatBuffer fb = raw.asFloatBuffer();
                fb.put(t.toFloats()).rewind();
                yield OnnxTensor.createTensor(env, fb, shape);
            }
            case INT64 -> {
                LongBuffer lb = raw.asLongBuffer();
                lb.put(t.toLongs()).rewind();
                yield OnnxTensor.createTensor(env, lb, shape);
            }
            case INT8, UINT8, BOOL, INT32, FLOAT16, DOUBLE -> {
                ByteBuffer le = t.rawBuffer();
                ByteBuffer direct = ByteBuffer.allocateDirect(le.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                direct.put(le).rewind();
                yield OnnxTensor.createTensor(env, direct, shape, javaType(t.type()));
            }
            default -> throw new UserException("cannot feed a " + t.type() + " tensor '" + t.name() + "' to ONNX Runtime");
        };
    }

    private static OnnxJavaType javaType(DataType type) {
        return switch (type) {
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            case INT32 -> OnnxJavaType.INT32;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    private static Tensor fromOrt(String name, OnnxTensor v) {
        TensorInfo info = v.getInfo();
        long[] shape = info.getShape();
        DataType type = switch (info.type) {
            case FLOAT -> DataType.FLOAT;
            case DOUBLE -> DataType.DOUBLE;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT16 -> DataType.INT16;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOL;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
            default -> throw new UserException("output '" + name + "' has element type " + info.type
                    + ", which the ONNX Runtime Java API cannot read; cast it to float first");
        };
        ByteBuffer bytes = v.getByteBuffer().order(ByteOrder.nativeOrder());
        byte[] raw = new byte[bytes.remaining()];
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || type.bits() == 8) {
            bytes.get(raw);
        } else {
            throw new UnsupportedOperationException("big-endian hosts are not supported");
        }
        return Tensor.ofRaw(name, type, shape, raw);
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed", e);
        }
    }
}
