package io.vitshrink.data.cache;

import io.vitshrink.data.preprocess.PreprocessRecipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Identity of one cached tensor: SHA-256 over the image's absolute path, byte size and modification
 * time, and the recipe's content hash. Editing or replacing the image, or changing any recipe field that
 * affects pixels, gives a new key; the old entry is simply never read again.
 *
 * @param hex the key as 64 hex digits, also the entry's file name
 */
public record CacheKey(String hex) {
    /** Reads the file's attributes now; call before decoding so a concurrent edit is not cached as new. */
    public static CacheKey of(Path imageFile, PreprocessRecipe recipe) throws IOException {
        Path absolute = imageFile.toAbsolutePath().normalize();
        BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
        String identity = absolute + "\n" + attributes.size() + "\n" + attributes.lastModifiedTime().toMillis()
                + "\n" + recipe.contentHash();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return new CacheKey(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
