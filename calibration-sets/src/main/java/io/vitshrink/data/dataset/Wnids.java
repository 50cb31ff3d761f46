package io.vitshrink.data.dataset;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognising WordNet ids ({@code n} + 8 digits) in file and folder names. */
final class Wnids {
    private static final Pattern ID = Pattern.compile("n\\d{8}");
    private static final Pattern PREFIX = Pattern.compile("^(n\\d{8})(?:[_.\\-\\s].*)?$");

    private Wnids() {
    }

    /** True if the whole name is a wnid, as ImageNet class folders are named. */
    static boolean isWnid(String name) {
        return ID.matcher(name).matches();
    }

    /** The wnid a file name starts with ({@code n01440764_tench.JPEG} gives {@code n01440764}). */
    static Optional<String> prefixOf(String fileName) {
        Matcher m = PREFIX.matcher(fileName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
