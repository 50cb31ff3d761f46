package io.vitshrink.onnx;

/**
 * A problem with what the user gave us (a path, a model file, a dataset, an option), as opposed to
 * a bug in vitshrink. Its message is one line that says what is wrong and, where possible, what to do;
 * the command line prints it without a stack trace and exits non-zero.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(oneLine(message));
    }

    public UserException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /**
     * Names inside messages come from untrusted files (a node called "a\nb"); escaping line breaks and
     * other control characters keeps every message one line, and keeps terminals safe from escape codes.
     */
    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c)) {
                if (sb == null) {
                    sb = new StringBuilder(message.length() + 8).append(message, 0, i);
                }
                sb.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? message : sb.toString();
    }
}
