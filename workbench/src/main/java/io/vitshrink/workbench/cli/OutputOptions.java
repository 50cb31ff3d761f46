package io.vitshrink.workbench.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a measuring command writes its flat JSON, and whether it shows progress. */
public final class OutputOptions {

    @Option(names = "--json", paramLabel = "FILE", description = "write results as flat JSON")
    Path json;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;
}
