package io.vitshrink.data.images;

import java.nio.file.Path;

/**
 * An image file that cannot be turned into pixels: empty, truncated, not an image at all, in a format
 * no installed reader understands, or larger than the pixel budget allows.
 *
 * <p>Checked on purpose: a real dataset of thousands of photos nearly always holds one bad file, and
 * the loaders must decide to skip and count it rather than let it abort an hour-long evaluation.
 * {@link #reason()} is one line meant for a log or a report.
 */
public final class UnreadableImageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    public UnreadableImageException(Path file, String reason) {
        this(file, reason, null);
    }

    public UnreadableImageException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }

    /** Why, in one line, without the file name. */
    public String reason() {
        return reason;
    }
}
