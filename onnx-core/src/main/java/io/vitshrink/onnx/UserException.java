package io.vitshrink.onnx;

/**
 * A problem with what the user gave us (a path, a model file, a dataset, an option), as opposed to
 * a bug in vitshrink. Its message is one line that says what is wrong and, where possible, what to do;
 * the command line prints it without a stack trace and exits non-zero.
 *
 * <p>Messages quote names taken from the input (node, tensor and file names), which may contain line
 * breaks or other control characters; those are written as escapes ({@code \n}, {@code \u0001}) so that the
 * message stays one line whatever the input holds.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(oneLine(message));
    }

    public UserException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code message} with control characters and Unicode line separators escaped. */
    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            boolean lineBreaking = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (lineBreaking && sb == null) {
                sb = new StringBuilder(message.length() + 16).append(message, 0, i);
            }
            if (sb == null) {
                continue;
            }
            if (!lineBreaking) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb == null ? message : sb.toString();
    }
}
