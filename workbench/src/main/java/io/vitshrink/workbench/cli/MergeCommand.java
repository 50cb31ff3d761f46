package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.store.RunStore;
import io.vitshrink.workbench.store.StoreMerge;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vitshrink merge a.db b.db … --into all.db}: combines results databases (e.g. shards). */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Combine results databases (the shards of a sweep) into one. Per point the ok run wins over a failed "
                + "one, then the later run; merging again changes nothing.")
public final class MergeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "DB", description = "results databases to read")
    List<Path> sources;

    @Option(names = "--into", required = true, paramLabel = "FILE", description = "results database to merge into (created if missing)")
    Path into;

    @Override
    public Integer call() {
        OutputPaths paths = new OutputPaths();
        for (Path s : sources) {
            paths.input("a merged database (" + s + ")", s);
        }
        paths.output("--into", into);
        if (sources.isEmpty()) {
            throw new UserException("merge needs at least one database to read");
        }
        StoreMerge.Result r;
        try (RunStore store = RunStore.open(into)) {
            r = StoreMerge.merge(sources, store);
        }
        System.out.printf("merged %d runs from %d databases into %s: %d added, %d replaced, %d already there%n", r.read(),
                sources.size(), into, r.added(), r.replaced(), r.kept());
        return 0;
    }
}
