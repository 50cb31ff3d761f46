package io.vitshrink.onnx.io;

import ai.onnx.proto.OnnxMl;
import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads tensors stored outside the model file. A location is trusted only when it names a regular
 * file inside the model's folder, after resolving {@code ..} and symbolic links: a downloaded model
 * must not make vitshrink read {@code /etc/passwd} or a file next to the download folder.
 */
final class ExternalData {
    private final Path modelDir;
    private final String source;

    ExternalData(Path modelDir, String source) {
        this.modelDir = modelDir;
        this.source = source;
    }

    byte[] read(OnnxMl.TensorProto t, String name, long expectedBytes) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parse(e.getValue(), "offset", name);
                case "length" -> length = parse(e.getValue(), "length", name);
                default -> {
                    // "checksum" and future keys are not needed to read the data
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new UserException(source + ": tensor '" + name + "' is stored externally but names no location");
        }
        if (modelDir == null) {
            throw new UserException(source + ": tensor '" + name + "' is stored in external file '" + location
                    + "', but the model was not loaded from a file; load it by path");
        }
        Path file = resolveInside(location, name);
        if (length < 0) {
            length = expectedBytes;
        }
        if (length != expectedBytes) {
            throw new UserException(source + ": tensor '" + name + "' declares " + expectedBytes
                    + " bytes but its external data entry says " + length);
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            if (offset < 0 || offset + length > size) {
                throw new UserException(source + ": external data file '" + location + "' is too short for tensor '"
                        + name + "' (needs bytes " + offset + ".." + (offset + length) + ", file has " + size + ")");
            }
            ch.position(offset);
            byte[] out = new byte[Math.toIntExact(length)];
            try (InputStream in = Channels.newInputStream(ch)) {
                int read = in.readNBytes(out, 0, out.length);
                if (read != out.length) {
                    throw new UserException(source + ": external data file '" + location + "' ended early");
                }
            }
            return out;
        } catch (IOException e) {
            throw new UserException(source + ": cannot read external data file '" + location + "': " + e.getMessage(), e);
        }
    }

    private Path resolveInside(String location, String name) {
        Path candidate;
        try {
            candidate = Path.of(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UserException(source + ": tensor '" + name + "' names an external data location that is not a valid "
                    + "path (" + e.getReason() + ")");
        }
        if (candidate.isAbsolute()) {
            throw new UserException(source + ": tensor '" + name + "' points to external data at absolute path '"
                    + location + "'; only files inside the model's folder are read");
        }
        Path resolved = modelDir.resolve(candidate).normalize();
        if (!resolved.startsWith(modelDir)) {
            throw new UserException(source + ": tensor '" + name + "' points to external data '" + location
                    + "' outside the model's folder; only files inside it are read");
        }
        if (!Files.isRegularFile(resolved)) {
            throw new UserException(source + ": external data file '" + location + "' for tensor '" + name
                    + "' does not exist beside the model");
        }
        try {
            Path real = resolved.toRealPath();
            if (!real.startsWith(modelDir.toRealPath())) {
                throw new UserException(source + ": external data file '" + location
                        + "' is a link that leads outside the model's folder; only files inside it are read");
            }
            return real;
        } catch (IOException e) {
            throw new UserException(source + ": cannot resolve external data file '" + location + "': " + e.getMessage(), e);
        }
    }

    private long parse(String value, String key, String name) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UserException(source + ": tensor '" + name + "' has a non-numeric external data " + key
                    + " '" + value + "'");
        }
    }
}
