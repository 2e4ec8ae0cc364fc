package org.cpc.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.protocol.codec.Json;

/** The shared protocol vectors, read from the directory the build names in {@code cpc.vectors.dir}. */
final class Vectors {
    private static final JsonNode ROOT = load();

    private Vectors() {}

    static JsonNode synthetic(int n) {
        for (JsonNode v : ROOT.get("synthetic")) {
            if (v.get("matrix_size").asInt() == n) return v;
        }
        throw new IllegalStateException("no synthetic vector with matrix_size " + n);
    }

    private static JsonNode load() {
        String dir = System.getProperty("cpc.vectors.dir");
        if (dir == null) throw new IllegalStateException("system property cpc.vectors.dir is not set; run tests through Maven");
        try {
            return Json.MAPPER.readTree(Files.readString(Path.of(dir, "cpc-protocol-v1.json")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the protocol vectors from " + dir, e);
        }
    }
}
