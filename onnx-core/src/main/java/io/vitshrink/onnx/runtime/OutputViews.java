package io.vitshrink.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Reads a float output of ONNX Runtime with one copy instead of two. The public
 * {@code OnnxTensor.getFloatBuffer()} first copies the native tensor into a new heap buffer, which the
 * caller then copies again; in calibration that is every exposed activation of every batch (about
 * 380 MB per batch of 16 DeiT-Tiny images) allocated and thrown away. ORT's own {@code getBuffer()}
 * gives a direct view of the native memory, but it is private, so it is looked up once by reflection
 * (the ORT jar is on the class path, where that is allowed); if the lookup fails — another ORT version,
 * a module layer that forbids it — every read falls back to the public copy, with the same result.
 */
final class OutputViews {
    private static final MethodHandle VIEW = lookUpView();

    private OutputViews() {
    }

    private static MethodHandle lookUpView() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(OnnxTensor.class, MethodHandles.lookup());
            return lookup.findVirtual(OnnxTensor.class, "getBuffer", MethodType.methodType(ByteBuffer.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether outputs are read through the direct view (false: through the public copy). */
    static boolean direct() {
        return VIEW != null;
    }

    /**
     * The tensor's floats, for reading only while the tensor is open: a view of ORT's memory when the
     * direct view is available, else the public copy.
     */
    static FloatBuffer floats(OnnxTensor tensor) {
        if (VIEW != null) {
            try {
                return ((ByteBuffer) VIEW.invokeExact(tensor)).order(ByteOrder.nativeOrder()).asFloatBuffer();
            } catch (Throwable e) {
                // fall through to the public copy
            }
        }
        return tensor.getFloatBuffer();
    }
}
