package io.vitshrink.onnx.io;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads and saves ONNX models. Loading validates the file (format, truncation, IR/opset, missing
 * values, tensor sizes, external data locations) and reports problems as one-line
 * {@link UserException}s naming the file. Saving is atomic and never overwrites the file a model was
 * loaded from.
 */
public final class ModelIO {
    /** Protobuf cannot serialize a message of 2 GiB or more; stay clear of it. */
    static final long PROTOBUF_LIMIT = (2L << 30) - (64L << 20);

    private ModelIO() {
    }

    public static Model load(Path path) {
        return load(path, ModelLimits.DEFAULT);
    }

    public static Model load(Path path, ModelLimits limits) {
        String source = "'" + path + "'";
        if (!Files.exists(path)) {
            throw new UserException("model file " + source + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new UserException(source + " is a folder, not an ONNX model file");
        }
        if (!Files.isRegularFile(path)) {
            // a device or a pipe would be read until memory runs out
            throw new UserException(source + " is not a regular file (a device or a pipe?); give the path of an ONNX file");
        }
        long size;
        byte[] bytes;
        try {
            size = Files.size(path);
            if (size >= (2L << 30)) {
                throw new UserException(source + " is " + size + " bytes, over protobuf's 2 GB limit; "
                        + "export it with external data (weights in a separate file)");
            }
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UserException("cannot read " + source + ": " + e.getMessage(), e);
        }
        Path dir = path.toAbsolutePath().normalize().getParent();
        Model model = parse(bytes, source, dir, limits);
        model.setSource(path.toAbsolutePath().normalize());
        return model;
    }

    /** Parses a model held in memory; external data is not allowed (there is no folder to read it from). */
    public static Model fromBytes(byte[] bytes, String sourceName) {
        return parse(bytes, sourceName, null, ModelLimits.DEFAULT);
    }

    private static Model parse(byte[] bytes, String source, Path dir, ModelLimits limits) {
        if (bytes.length == 0) {
            throw new UserException(source + " is empty (0 bytes), not an ONNX model");
        }
        OnnxMl.ModelProto proto;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            in.setRecursionLimit(64);
            proto = OnnxMl.ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            String m = String.valueOf(e.getMessage());
            // A serialized ModelProto starts with its ir_version field (tag 0x08); anything else that
            // fails to parse is some other kind of file, however its bytes happen to end.
            boolean looksLikeOnnx = bytes[0] == 0x08;
            if (looksLikeOnnx && (m.contains("ended unexpectedly") || m.contains("truncated"))) {
                throw new UserException(source + " is truncated: the file ends in the middle of the ONNX data ("
                        + bytes.length + " bytes); download or export it again", e);
            }
            if (m.contains("recursion")) {
                throw new UserException(source + " nests subgraphs deeper than vitshrink accepts (64 levels)", e);
            }
            throw new UserException(source + " is not an ONNX model (it does not parse as ONNX protobuf)", e);
        } catch (IOException e) {
            throw new UserException("cannot read " + source + ": " + e.getMessage(), e);
        }
        if (!proto.hasGraph() || proto.getIrVersion() <= 0) {
            throw new UserException(source + " is not an ONNX model (no graph or IR version; is it another file type?)");
        }
        Model model = new ProtoReader(source, new ExternalData(dir, source), limits).read(proto);
        new ModelValidator(source, limits).validate(model);
        return model;
    }

    /** Serializes a model into memory (for handing to ONNX Runtime); all tensors inline. */
    public static byte[] toBytes(Model model) {
        if (estimatedBytes(model) > PROTOBUF_LIMIT) {
            throw new UserException("the model is too large to hold in one protobuf message; save it with external data");
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(estimatedBytes(model) + 4096, Integer.MAX_VALUE - 16));
            new ProtoWriter(null).write(model).writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory serialization failed", e);
        }
    }

    public static void save(Model model, Path target) {
        save(model, target, SaveOptions.DEFAULT);
    }

    /**
     * Saves atomically. External data is used when requested or when the model is too large for one
     * protobuf message; it goes to {@code <file name>.data} beside the model, also written atomically.
     */
    public static void save(Model model, Path target, SaveOptions options) {
        refuseOverwritingSource(model, target);
        boolean external = options.externalData() || estimatedBytes(model) > PROTOBUF_LIMIT;
        if (!external) {
            AtomicFiles.write(target, out -> new ProtoWriter(null).write(model).writeTo(out));
            return;
        }
        String dataName = target.getFileName() + ".data";
        Path dataFile = target.toAbsolutePath().resolveSibling(dataName);
        refuseOverwritingSource(model, dataFile);
        // The data file lands first: a model file never points at data that is not there yet.
        OnnxMl.ModelProto[] proto = new OnnxMl.ModelProto[1];
        AtomicFiles.write(dataFile, dataOut -> proto[0] = new ProtoWriter(sink(dataName, dataOut, options)).write(model));
        AtomicFiles.write(target, out -> proto[0].writeTo(out));
    }

    private static ProtoWriter.ExternalSink sink(String location, OutputStream out, SaveOptions options) {
        return new ProtoWriter.ExternalSink() {
            private long offset;

            @Override
            public String location() {
                return location;
            }

            @Override
            public long append(byte[] bytes) throws IOException {
                // Align each tensor to 64 bytes so that the data can be memory-mapped.
                long pad = (64 - offset % 64) % 64;
                out.write(new byte[(int) pad]);
                offset += pad;
                long at = offset;
                out.write(bytes);
                offset += bytes.length;
                return at;
            }

            @Override
            public long thresholdBytes() {
                return options.externalThresholdBytes();
            }
        };
    }

    private static void refuseOverwritingSource(Model model, Path target) {
        Path src = model.source().orElse(null);
        if (src == null) {
            return;
        }
        Path t = target.toAbsolutePath().normalize();
        boolean same = t.equals(src) || t.equals(src.resolveSibling(src.getFileName() + ".data"));
        try {
            if (!same && Files.exists(t) && Files.isSameFile(t, src)) {
                same = true;
            }
        } catch (IOException ignored) {
            // cannot compare: fall back to the path comparison above
        }
        if (same) {
            throw new UserException("refusing to overwrite the input model '" + src + "'; choose another output path");
        }
    }

    /** Approximate serialized size: the tensor bytes dominate. */
    public static long estimatedBytes(Model model) {
        long total = 0;
        for (Tensor t : model.graph().initializers().values()) {
            total += t.sizeBytes() + 64;
        }
        return total + 64L * model.graph().nodes().size();
    }
}
