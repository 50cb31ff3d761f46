package io.vitshrink.onnx;

/**
 * A problem with what the user gave us (a path, a model file, a dataset, an option), as opposed to
 * a bug in vitshrink. Its message is one line that says what is wrong and, where possible, what to do;
 * the command line prints it without a stack trace and exits non-zero.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
