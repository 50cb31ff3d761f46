package io.vitshrink.reports.charts;

import io.vitshrink.reports.ParetoFront;
import java.util.List;

/**
 * Points of one series on a trade-off chart (a method, a model, or a method on a model), with the
 * label each point is annotated with.
 *
 * @param name the legend entry
 * @param points the points
 * @param labels one label per point
 */
public record Series(String name, List<ParetoFront.Point> points, List<String> labels) {

    public Series {
        if (points.size() != labels.size()) {
            throw new IllegalArgumentException("one label per point");
        }
        points = List.copyOf(points);
        labels = List.copyOf(labels);
    }
}
