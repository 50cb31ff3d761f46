package io.vitshrink.onnx.model;

/** ONNX tensor element types, with their ONNX enum code and storage width in bits. */
public enum DataType {
    UNDEFINED(0, 0),
    FLOAT(1, 32),
    UINT8(2, 8),
    INT8(3, 8),
    UINT16(4, 16),
    INT16(5, 16),
    INT32(6, 32),
    INT64(7, 64),
    STRING(8, 0),
    BOOL(9, 8),
    FLOAT16(10, 16),
    DOUBLE(11, 64),
    UINT32(12, 32),
    UINT64(13, 64),
    COMPLEX64(14, 64),
    COMPLEX128(15, 128),
    BFLOAT16(16, 16),
    FLOAT8E4M3FN(17, 8),
    FLOAT8E4M3FNUZ(18, 8),
    FLOAT8E5M2(19, 8),
    FLOAT8E5M2FNUZ(20, 8),
    UINT4(21, 4),
    INT4(22, 4),
    FLOAT4E2M1(23, 4);

    private final int code;
    private final int bits;

    DataType(int code, int bits) {
        this.code = code;
        this.bits = bits;
    }

    /** The ONNX {@code TensorProto.DataType} number. */
    public int code() {
        return code;
    }

    /** Storage width of one element in bits (0 for strings and undefined). */
    public int bits() {
        return bits;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64, UINT4, INT4 -> true;
            default -> false;
        };
    }

    /**
     * Bytes needed to store {@code count} elements, packing sub-byte types two to a byte.
     *
     * @throws ArithmeticException when the size does not fit a long
     */
    public long storageBytes(long count) {
        return Math.addExact(Math.multiplyExact(count, (long) bits), 7) / 8;
    }

    public static DataType fromCode(int code) {
        for (DataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return UNDEFINED;
    }
}
