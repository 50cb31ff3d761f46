package io.vitshrink.workbench.demo;

/** The demo's sweep file: paths relative to the demo folder, so the folder can be moved. */
public final class DemoSweep {

    private DemoSweep() {
    }

    public static String yaml(int imageSize) {
        return """
                # The demo sweep (bin/vitshrink demo writes it): rerun with
                #   bin/vitshrink sweep sweep.yaml --db results.db
                # Points already in results.db are skipped; change a setting or add a point to run more.
                name: demo
                models: [tiny-vit.onnx]
                data:
                  calib: calibration
                  calib_size: 32
                  eval: images
                  preset: preset.yaml
                  image_size: %d
                  cache: false
                points:
                  - [eval, bench: {batch: 1, runs: 10}]                       # the float baseline
                  - - quantize: {bits: [W8A8, W6A6, W4A4], quantizer: [uniform, log2], format: simulated}
                    - bench: {batch: 1, runs: 10}
                  - [quantize: {bits: W8A8, format: qdq}, bench: {batch: 1, runs: 10}]   # deployable int8
                  - [tokens: {method: tome, r: 2}, eval, bench: {batch: 1, runs: 10}]    # token merging (ToMe)
                  - [prune: {method: block, block: 1x1, sparsity: 0.5, reconstruct: true}, bench: {batch: 1, runs: 10}]
                """.formatted(imageSize);
    }
}
