/**
 * Datasets: ordered lists of image files with ImageNet-style label indices, read from folders in the
 * layouts people actually have, or from small manifests.
 *
 * <ul>
 *   <li>{@link io.vitshrink.data.dataset.DatasetLayout#WNID_PREFIXED}: a flat folder of
 *       {@code n01440764_tench.JPEG} files, labelled through a synset file;</li>
 *   <li>{@link io.vitshrink.data.dataset.DatasetLayout#LABELS_FILE}: a folder plus
 *       {@code <file> <class index>} lines;</li>
 *   <li>{@link io.vitshrink.data.dataset.DatasetLayout#CLASS_FOLDERS}: torchvision's
 *       {@code ImageFolder} layout, {@code class_name/image.jpg};</li>
 *   <li>{@link io.vitshrink.data.dataset.DatasetLayout#UNLABELED}: just images (fine for calibration).</li>
 * </ul>
 *
 * <p>{@link io.vitshrink.data.dataset.DatasetResolver} turns the command line's {@code --data} value (a
 * folder, a manifest file or {@code shared:<name>}) into a dataset and, when the manifest names one, a
 * preprocessing recipe. Everything is listed in sorted order so two runs see the same sequence.
 */
package io.vitshrink.data.dataset;
