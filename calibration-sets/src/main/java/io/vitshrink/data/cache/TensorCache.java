package io.vitshrink.data.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preprocessed CHW float32 tensors on disk, one file per {@link CacheKey} under
 * {@code <dir>/<first two hex digits>/<key>.f32}.
 *
 * <p>Entry format (little-endian): magic {@code VSTC}, format version, channels, height, width, the
 * floats, then a CRC-32 of the float bytes. Writes go to a temporary file in the same folder and are
 * renamed into place, so a reader (another thread, another run) sees a whole entry or none. An entry
 * that is truncated, of the wrong shape or fails its checksum is treated as absent and rewritten. A
 * cache that cannot write (read-only disk, full disk) logs once and carries on: it is an optimization,
 * never a reason to fail a run. Thread-safe.
 */
public final class TensorCache {
    /** System property overriding the default cache folder. */
    public static final String PROPERTY = "vitshrink.cache";

    private static final Logger LOG = LoggerFactory.getLogger(TensorCache.class);
    private static final int MAGIC = 0x43545356; // "VSTC" read as a little-endian int
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 20;
    private static final TensorCache DISABLED = new TensorCache(null);

    private final Path directory;
    private final AtomicBoolean writeFailureLogged = new AtomicBoolean();

    private TensorCache(Path directory) {
        this.directory = directory;
    }

    /** A cache in {@code directory} (created on first write). */
    public static TensorCache at(Path directory) {
        return new TensorCache(directory.toAbsolutePath().normalize());
    }

    /** A cache in {@link #defaultDirectory()}. */
    public static TensorCache atDefaultLocation() {
        return at(defaultDirectory());
    }

    /** A cache that never has anything and stores nothing. */
    public static TensorCache disabled() {
        return DISABLED;
    }

    /** System property {@value #PROPERTY} if set, else {@code ~/.cache/vitshrink/tensors}. */
    public static Path defaultDirectory() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "vitshrink", "tensors");
    }

    public boolean enabled() {
        return directory != null;
    }

    /** The cache folder; null when disabled. */
    public Path directory() {
        return directory;
    }

    /** Where the entry for {@code key} lives. */
    Path entryPath(CacheKey key) {
        return directory.resolve(key.hex().substring(0, 2)).resolve(key.hex() + ".f32");
    }

    /**
     * The cached tensor for {@code key} if there is a valid one of shape {@code channels x height x width}.
     */
    public Optional<float[]> load(CacheKey key, int channels, int height, int width) {
        if (!enabled()) {
            return Optional.empty();
        }
        Path file = entryPath(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.debug("cannot read cache entry {}: {}", file, e.getMessage());
            return Optional.empty();
        }
        int count = channels * height * width;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        boolean valid = bytes.length == HEADER_BYTES + 4 * count + 4
                && b.getInt(0) == MAGIC && b.getInt(4) == VERSION
                && b.getInt(8) == channels && b.getInt(12) == height && b.getInt(16) == width
                && crc(bytes, HEADER_BYTES, 4 * count) == b.getInt(HEADER_BYTES + 4 * count);
        if (!valid) {
            LOG.warn("ignoring corrupt tensor cache entry {} (it will be rewritten)", file);
            return Optional.empty();
        }
        float[] out = new float[count];
        b.position(HEADER_BYTES);
        b.asFloatBuffer().get(out);
        return Optional.of(out);
    }

    /** Stores a {@code channels x height x width} tensor under {@code key}, atomically replacing any old entry. */
    public void store(CacheKey key, int channels, int height, int width, float[] tensor) {
        if (!enabled()) {
            return;
        }
        int count = channels * height * width;
        if (tensor.length != count) {
            throw new IllegalArgumentException("tensor has " + tensor.length + " floats, shape needs " + count);
        }
        byte[] bytes = new byte[HEADER_BYTES + 4 * count + 4];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(channels).putInt(height).putInt(width);
        b.asFloatBuffer().put(tensor);
        b.putInt(HEADER_BYTES + 4 * count, crc(bytes, HEADER_BYTES, 4 * count));
        Path target = entryPath(key);
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), key.hex().substring(0, 8) + ".", ".tmp");
            Files.write(temp, bytes);
            moveIntoPlace(temp, target);
            temp = null;
        } catch (IOException e) {
            if (writeFailureLogged.compareAndSet(false, true)) {
                LOG.warn("tensor cache in {} cannot be written ({}); continuing without caching", directory, e.toString());
            }
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // A stray temp file is harmless; its name never matches an entry.
                }
            }
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        return enabled() ? "TensorCache[" + directory + "]" : "TensorCache[disabled]";
    }
}
