package org.cpc.consensus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a fuzz target's seed corpus where Jazzer's JUnit integration reads it in regression mode:
 * {@code src/test/resources/<package>/<TestClass>Inputs/<method>/}. Each target's {@code writeSeeds} test calls it
 * when the build runs with {@code -Dcpc.fuzz.write-seeds=true} (see docs/reliability.md); otherwise the committed
 * files are the corpus.
 */
final class FuzzSeeds {
    static final String PROPERTY = "cpc.fuzz.write-seeds";

    private FuzzSeeds() {}

    static void write(Class<?> test, String method, Map<String, byte[]> seeds) throws IOException {
        Path dir = Path.of("src/test/resources", test.getPackageName().replace('.', '/'),
                test.getSimpleName() + "Inputs", method);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
    }
}
