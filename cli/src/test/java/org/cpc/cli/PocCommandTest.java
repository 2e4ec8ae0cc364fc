package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.cli.Run.cpc;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cpc poc start} refuses bad settings with a usage error before it asks for any password. */
class PocCommandTest {
    @TempDir
    Path tmp;

    @Test
    void badSettingsAreUsageErrorsBeforeTheKeyIsUnlocked() {
        // The keyring is empty: reaching the unlock would fail with "no such key", not with these messages.
        String keys = tmp.resolve("keys").toString();
        String data = tmp.resolve("poc").toString();
        assertRefused(cpc("poc", "start", "--key", "k", "--keys-dir", keys, "--data-dir", data,
                "--keep-finished-days", "-1"), "finished tasks are kept must not be negative");
        assertRefused(cpc("poc", "start", "--key", "k", "--keys-dir", keys, "--data-dir", data,
                "--duplicate-probability", "2"), "duplicate probability must be in [0, 1]");
        assertRefused(cpc("poc", "start", "--key", "k", "--keys-dir", keys, "--data-dir", data,
                "--jobs-per-worker", "0"), "jobs per worker must be 1..4096");
    }

    private static void assertRefused(Run r, String message) {
        assertThat(r.exit()).as(r.err()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains(message);
    }
}
