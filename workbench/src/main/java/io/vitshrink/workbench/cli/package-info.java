/**
 * picocli commands. Each command parses options, calls a pipeline and prints; user errors
 * ({@link io.vitshrink.onnx.UserException}) become one line on stderr and exit code 2, bugs a stack
 * trace and exit code 70.
 */
package io.vitshrink.workbench.cli;
