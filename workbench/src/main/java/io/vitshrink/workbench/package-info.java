/**
 * The {@code vitshrink} command line and the pipelines behind it: {@code cli} (picocli commands and
 * error handling), {@code inspect} (model reports), {@code eval} (accuracy and fidelity over a
 * dataset), {@code bench} (latency), {@code demo} (the self-contained showcase), {@code output}
 * (JSON files, tables, progress). The only module that knows about files beyond one model or dataset.
 */
package io.vitshrink.workbench;
