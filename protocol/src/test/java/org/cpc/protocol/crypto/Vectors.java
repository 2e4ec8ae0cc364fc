package org.cpc.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cpc.protocol.codec.Json;

/** The shared test vectors, read in place from {@code cpc.vectors.dir} (never copied into the repository). */
final class Vectors {
    private Vectors() {}

    static JsonNode load(String file) {
        String dir = System.getProperty("cpc.vectors.dir");
        if (dir == null) throw new IllegalStateException("system property cpc.vectors.dir is not set; run through ./test");
        Path path = Path.of(dir, file);
        try {
            return Json.MAPPER.readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read test vectors " + path + ": " + e.getMessage(), e);
        }
    }

    /** Both implementations; the native one must load wherever the build ships its library (Linux x86-64/aarch64). */
    static List<Secp256k1> secpBackends() {
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux");
        if (linux && Secp256k1.nativeLibrary().isEmpty()) {
            throw new IllegalStateException("native libsecp256k1 did not load on Linux");
        }
        return Secp256k1.nativeLibrary().isPresent()
                ? List.of(Secp256k1.nativeLibrary().get(), Secp256k1.pureJava())
                : List.of(Secp256k1.pureJava());
    }
}
