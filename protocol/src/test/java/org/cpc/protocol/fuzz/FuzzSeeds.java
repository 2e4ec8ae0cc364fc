package org.cpc.protocol.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a fuzz target's seed corpus where Jazzer's JUnit integration reads it in regression mode:
 * {@code src/test/resources/<package>/<TestClass>Inputs/<method>/}. Each target's {@code writeSeeds} test calls it
 * when the build runs with {@code -Dcpc.fuzz.write-seeds=true} (see docs/reliability.md); otherwise the committed
 * files are the corpus. Shared by every module's fuzz targets through this module's test jar.
 */
public final class FuzzSeeds {
    public static final String PROPERTY = "cpc.fuzz.write-seeds";

    private FuzzSeeds() {}

    public static void write(Class<?> test, String method, Map<String, byte[]> seeds) throws IOException {
        Path dir = Path.of("src/test/resources", test.getPackageName().replace('.', '/'),
                test.getSimpleName() + "Inputs", method);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
    }

    /** Seeds written as text, as their UTF-8 bytes, in the same order. */
    public static Map<String, byte[]> utf8(Map<String, String> seeds) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        seeds.forEach((k, v) -> out.put(k, v.getBytes(UTF_8)));
        return out;
    }
}
