package io.vitshrink.onnx.io;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (format versions 1–3) holding little-endian float32, float64,
 * int64 or int32 arrays in C order: reference inputs and logits exchanged with Python tools.
 */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Tensor read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UserException("cannot read '" + path + "': " + e.getMessage(), e);
        }
        String name = path.getFileName().toString();
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new UserException("'" + path + "' is not a NumPy .npy file");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else {
            if (bytes.length < 12) {
                throw new UserException("'" + path + "' is truncated (header runs past the end)");
            }
            headerLen = b.getInt(8);
            headerStart = 12;
        }
        if (headerLen < 0 || headerStart + headerLen > bytes.length) {
            throw new UserException("'" + path + "' is truncated (header runs past the end)");
        }
        String header = new String(bytes, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, path);
        if (group(FORTRAN, header, path).equals("True")) {
            throw new UserException("'" + path + "' is in Fortran order; save it with C order");
        }
        String shapeText = group(SHAPE, header, path);
        List<Long> dims = new ArrayList<>();
        try {
            for (String part : shapeText.split(",")) {
                if (!part.isBlank()) {
                    long d = Long.parseLong(part.trim());
                    if (d < 0) {
                        throw new NumberFormatException();
                    }
                    dims.add(d);
                }
            }
        } catch (NumberFormatException e) {
            throw new UserException("'" + path + "' has a malformed shape (" + shapeText + ") in its .npy header");
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        DataType type = switch (descr) {
            case "<f4" -> DataType.FLOAT;
            case "<f8" -> DataType.DOUBLE;
            case "<i8" -> DataType.INT64;
            case "<i4" -> DataType.INT32;
            case "|u1" -> DataType.UINT8;
            case "|i1" -> DataType.INT8;
            default -> throw new UserException("'" + path + "' holds dtype " + descr
                    + "; vitshrink reads little-endian float32/float64/int64/int32/int8/uint8");
        };
        int dataStart = headerStart + headerLen;
        long need;
        try {
            need = type.storageBytes(Tensor.numel(shape));
        } catch (ArithmeticException e) {
            throw new UserException("'" + path + "' declares an absurd shape (" + shapeText + ") in its .npy header");
        }
        if (bytes.length - dataStart != need) {
            throw new UserException("'" + path + "' should hold " + need + " data bytes but holds " + (bytes.length - dataStart));
        }
        byte[] raw = java.util.Arrays.copyOfRange(bytes, dataStart, bytes.length);
        return Tensor.ofRaw(name, type, shape, raw);
    }

    private static String group(Pattern p, String header, Path path) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new UserException("'" + path + "' has a malformed .npy header: " + header.strip());
        }
        return m.group(1);
    }
}
