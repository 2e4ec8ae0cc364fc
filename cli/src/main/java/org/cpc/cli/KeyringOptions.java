package org.cpc.cli;

import java.nio.file.Path;
import org.cpc.protocol.keys.Keyring;
import picocli.CommandLine.Option;

/** Where keys live, for the commands that sign with a key of the user's keyring, and where passwords come from. */
final class KeyringOptions extends PasswordOptions {
    @Option(names = "--keys-dir", paramLabel = "DIR", description = "Keyring directory (default: ~/.cpc/keys).")
    Path keysDir;

    Keyring keyring() {
        return new Keyring(keysDir != null ? keysDir : Path.of(System.getProperty("user.home"), ".cpc", "keys"));
    }
}
