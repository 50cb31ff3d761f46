package io.vitshrink.onnx.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable named tensor: element type, dimensions and little-endian raw bytes in ONNX's layout
 * (row-major; 4-bit types packed two to a byte, low nibble first). Used for initializers, constant
 * attributes and values read back from ONNX Runtime.
 */
public final class Tensor {
    private final String name;
    private final DataType type;
    private final long[] dims;
    private final byte[] raw;

    private Tensor(String name, DataType type, long[] dims, byte[] raw) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.dims = dims.clone();
        this.raw = raw;
    }

    /** Wraps raw little-endian bytes (not copied: the caller hands them over). */
    public static Tensor ofRaw(String name, DataType type, long[] dims, byte[] raw) {
        long expected = type.storageBytes(numel(dims));
        if (type != DataType.STRING && raw.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type + " and shape "
                    + Arrays.toString(dims) + " needs " + expected + " bytes but has " + raw.length);
        }
        return new Tensor(name, type, dims, raw);
    }

    public static Tensor ofFloats(String name, long[] dims, float[] values) {
        checkCount(name, dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new Tensor(name, DataType.FLOAT, dims, b.array());
    }

    public static Tensor ofLongs(String name, long[] dims, long[] values) {
        checkCount(name, dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new Tensor(name, DataType.INT64, dims, b.array());
    }

    public static Tensor ofInts(String name, long[] dims, int[] values) {
        checkCount(name, dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new Tensor(name, DataType.INT32, dims, b.array());
    }

    /** A scalar float (rank 0). */
    public static Tensor scalar(String name, float value) {
        return ofFloats(name, new long[0], new float[] {value});
    }

    /** A 1-D int64 tensor, the usual form of shape and axes constants. */
    public static Tensor vector(String name, long... values) {
        return ofLongs(name, new long[] {values.length}, values);
    }

    /**
     * 8-bit or 4-bit integers from an int array (one value per element); 4-bit values are packed two
     * to a byte, low nibble first, as ONNX stores them.
     */
    public static Tensor ofSmallInts(String name, DataType type, long[] dims, int[] values) {
        checkCount(name, dims, values.length);
        byte[] raw = new byte[(int) type.storageBytes(values.length)];
        switch (type) {
            case INT8, UINT8 -> {
                for (int i = 0; i < values.length; i++) {
                    raw[i] = (byte) values[i];
                }
            }
            case INT4, UINT4 -> {
                for (int i = 0; i < values.length; i++) {
                    int nibble = values[i] & 0xF;
                    raw[i >> 1] |= (byte) ((i & 1) == 0 ? nibble : nibble << 4);
                }
            }
            default -> throw new IllegalArgumentException("ofSmallInts takes int8/uint8/int4/uint4, not " + type);
        }
        return new Tensor(name, type, dims, raw);
    }

    private static void checkCount(String name, long[] dims, int count) {
        if (numel(dims) != count) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(dims)
                    + " (" + numel(dims) + " elements) but " + count + " values");
        }
    }

    /** Number of elements of a shape (1 for a scalar). */
    public static long numel(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String name() {
        return name;
    }

    public DataType type() {
        return type;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    public long numel() {
        return numel(dims);
    }

    public long sizeBytes() {
        return raw.length;
    }

    /** The raw bytes; a copy, so the tensor stays immutable. */
    public byte[] rawBytes() {
        return raw.clone();
    }

    /** Little-endian read-only view of the raw bytes, without copying. */
    public ByteBuffer rawBuffer() {
        return ByteBuffer.wrap(raw).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public Tensor withName(String newName) {
        return new Tensor(newName, type, dims, raw);
    }

    /** The same data seen with another shape of the same element count. */
    public Tensor reshaped(long[] newDims) {
        if (numel(newDims) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(dims) + " to "
                    + Arrays.toString(newDims));
        }
        return new Tensor(name, type, newDims, raw);
    }

    /** Values as floats, converting from any numeric type. */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = rawBuffer();
        switch (type) {
            case FLOAT -> b.asFloatBuffer().get(out);
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(i * 2));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                }
            }
            default -> {
                long[] longs = toLongs();
                for (int i = 0; i < n; i++) {
                    out[i] = longs[i];
                }
            }
        }
        return out;
    }

    /** Values as longs, from any integer or boolean type (floats are truncated). */
    public long[] toLongs() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = rawBuffer();
        switch (type) {
            case INT64, UINT64 -> b.asLongBuffer().get(out);
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case UINT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4) & 0xFFFFFFFFL;
                }
            }
            case INT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(i * 2);
                }
            }
            case UINT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(i * 2) & 0xFFFF;
                }
            }
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            case UINT8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i] & 0xFF;
                }
            }
            case INT4, UINT4 -> {
                for (int i = 0; i < n; i++) {
                    int nibble = (raw[i >> 1] >> ((i & 1) * 4)) & 0xF;
                    out[i] = type == DataType.INT4 && nibble >= 8 ? nibble - 16 : nibble;
                }
            }
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> {
                float[] f = toFloats();
                for (int i = 0; i < n; i++) {
                    out[i] = (long) f[i];
                }
            }
            default -> throw new UnsupportedOperationException("cannot read " + type + " tensor '" + name + "' as numbers");
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float value = mant * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(dims);
    }
}
