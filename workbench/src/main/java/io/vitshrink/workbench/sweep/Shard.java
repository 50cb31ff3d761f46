package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.UserException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code --shard i/n}: the points whose position, in the order of their keys, is i modulo n (0 ≤ i < n).
 * The order of keys depends only on the points, not on the machine or the sweep file's order, so n
 * processes given 0/n … (n−1)/n run every point exactly once between them — a Slurm array
 * ({@code $SLURM_ARRAY_TASK_ID}) or a Kubernetes indexed Job ({@code $JOB_COMPLETION_INDEX}) passes its
 * index directly.
 *
 * @param index i
 * @param count n
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public static Shard parse(String s) {
        String[] parts = s == null ? new String[0] : s.trim().split("/");
        try {
            if (parts.length == 2) {
                int i = Integer.parseInt(parts[0].trim());
                int n = Integer.parseInt(parts[1].trim());
                if (n >= 1 && i >= 0 && i < n) {
                    return new Shard(i, n);
                }
            }
        } catch (NumberFormatException ignored) {
            // falls through to the message
        }
        throw new UserException("--shard '" + s + "' must be i/n with 0 ≤ i < n, e.g. 0/4 … 3/4");
    }

    /** This shard's points, in the order given. */
    public List<SweepPoint> select(List<SweepPoint> points) {
        List<SweepPoint> sorted = points.stream().sorted(Comparator.comparing(SweepPoint::key)).toList();
        java.util.Set<String> mine = IntStream.range(0, sorted.size()).filter(p -> p % count == index)
                .mapToObj(p -> sorted.get(p).key()).collect(java.util.stream.Collectors.toSet());
        return points.stream().filter(p -> mine.contains(p.key())).toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
