package org.cpc.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.protocol.codec.Json;

/** The shared test vectors, read from ../shared/vectors beside the checkout (never copied into the repo). */
public final class Vectors {
    private Vectors() {}

    public static Path dir() {
        String d = System.getProperty("cpc.vectors.dir");
        Path p = d != null ? Path.of(d) : Path.of("..", "shared", "vectors");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("test vectors not found at " + p.toAbsolutePath()
                    + "; the shared/ folder must sit beside the checkout");
        }
        return p;
    }

    public static JsonNode load(String file) {
        try {
            return Json.parse(Files.readAllBytes(dir().resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode protocol() {
        return load("cpc-protocol-v1.json");
    }
}
