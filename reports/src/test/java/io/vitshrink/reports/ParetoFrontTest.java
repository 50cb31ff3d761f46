package io.vitshrink.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.reports.ParetoFront.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {

    @Test
    void keepsThePointsNoOtherBeatsOnBothCostAndAccuracy() {
        List<Point> pts = List.of(new Point(10, 0.80), new Point(5, 0.79), new Point(5, 0.70), new Point(7, 0.75),
                new Point(2, 0.10), new Point(12, 0.80), new Point(Double.NaN, 0.99), new Point(3, 0.10));
        assertThat(ParetoFront.of(pts)).containsExactly(new Point(2, 0.10), new Point(5, 0.79), new Point(10, 0.80));
    }

    @Test
    void emptyAndSinglePoints() {
        assertThat(ParetoFront.of(List.of())).isEmpty();
        assertThat(ParetoFront.of(List.of(new Point(1, 1)))).containsExactly(new Point(1, 1));
    }
}
