package io.vitshrink.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto front of points where less x (cost: BOPs, bytes, latency) and more y (accuracy) are better:
 * the points no other point beats on both. Ties in x keep the best y; equal points keep one.
 */
public final class ParetoFront {

    /** A point on a trade-off chart. */
    public record Point(double x, double y) {
    }

    private ParetoFront() {
    }

    /** The front, sorted by x (ascending, hence y ascending too). NaN coordinates are ignored. */
    public static List<Point> of(List<Point> points) {
        List<Point> sorted = points.stream().filter(p -> !Double.isNaN(p.x()) && !Double.isNaN(p.y()))
                .sorted(Comparator.comparingDouble(Point::x).thenComparing(Comparator.comparingDouble(Point::y).reversed()))
                .toList();
        List<Point> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Point p : sorted) {
            if (p.y() > best) {
                front.add(p);
                best = p.y();
            }
        }
        return front;
    }
}
