package io.vitshrink.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report renders in a real browser: headless Chromium (Debian package {@code chromium}) loads
 * {@code index.html} with the network off, its DOM has every chart's SVG, and its screenshot is not blank.
 * Skipped when {@code /usr/bin/chromium} is absent.
 */
class ChromiumRenderTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    @Test
    void theReportRendersWithItsChartsInHeadlessChromium() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install chromium)");
        ReportWriter.Written w = ReportWriter.write(ReportWriterTest.input(), dir.resolve("report"));
        String url = w.index().toUri().toString();
        Path shot = dir.resolve("shot.png");
        Process p = chromium("--screenshot=" + shot, "--window-size=1300,1800", url);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img.getWidth()).isEqualTo(1300);
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 255;
                int g = rgb >> 8 & 255;
                int b = rgb & 255;
                coloured += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
            }
        }
        assertThat(coloured).as("coloured pixels (chart markers and lines) in the screenshot").isGreaterThan(200);

        Process dom = chromium("--dump-dom", url);
        String html = new String(dom.getInputStream().readAllBytes());
        assertThat(dom.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(html.split("<svg class=\"chart\"", -1).length - 1).isEqualTo(w.charts().size());
        assertThat(html).contains("Top-1 vs BOPs").contains("Pareto");
    }

    private Process chromium(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(CHROMIUM.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(!java.util.Arrays.asList(args).contains("--dump-dom"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
