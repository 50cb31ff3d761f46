package io.vitshrink.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.reports.reference.ReferencePoint;
import io.vitshrink.reports.reference.ReferencePoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled published points: every row has its source, and the DeiT-T rows match the papers' tables. */
class ReferencePointsTest {
    @TempDir
    Path dir;

    @Test
    void bundledPointsCoverTheFiveMethodsWithSources() {
        List<ReferencePoint> all = ReferencePoints.bundled();
        assertThat(all.stream().map(ReferencePoint::method).map(m -> m.split(" ")[0]).distinct())
                .containsExactlyInAnyOrder("RepQ-ViT", "PTQ4ViT", "FQ-ViT", "AdaLog", "ToMe");
        assertThat(all).allMatch(p -> !p.source().isBlank() && p.where().startsWith("github.com/"));
        assertThat(all).allMatch(p -> p.top1() > 0 && p.top1() <= 100 && p.floatTop1() > 50);
        ReferencePoint repq = all.stream().filter(p -> p.method().equals("RepQ-ViT") && p.model().equals("DeiT-T")
                && p.wBits() == 4).findFirst().orElseThrow();
        assertThat(repq.top1()).isEqualTo(57.43);
        assertThat(repq.drop()).isCloseTo(14.78, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aUserFileWithTheWrongHeaderOrFieldsIsNamed() throws Exception {
        Path bad = dir.resolve("mine.csv");
        Files.writeString(bad, "method,model\nX,Y\n");
        assertThatThrownBy(() -> ReferencePoints.read(bad)).isInstanceOf(UserException.class).hasMessageContaining("header");
        Files.writeString(bad, "method,model,w_bits,a_bits,top1,float_top1,gmacs,source,where\nX,Y,four,4,1,2,,s,w\n");
        assertThatThrownBy(() -> ReferencePoints.read(bad)).isInstanceOf(UserException.class).hasMessageContaining("line 2");
        Files.writeString(bad, "# mine\nmethod,model,w_bits,a_bits,top1,float_top1,gmacs,source,where\n"
                + "\"Mine, v2\",DeiT-T,8,8,70,72,1.25,\"me, 2026\",here\n");
        ReferencePoint p = ReferencePoints.read(bad).get(0);
        assertThat(p.method()).isEqualTo("Mine, v2");
        assertThat(p.gmacs()).isEqualTo(1.25);
    }
}
