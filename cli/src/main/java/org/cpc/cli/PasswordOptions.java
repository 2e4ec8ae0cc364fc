package org.cpc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.protocol.keys.KeyringException;
import org.cpc.protocol.keys.Passwords;
import picocli.CommandLine.Option;

/**
 * Where a key password comes from: {@code --password-file}, else the variable named by {@code --password-env}
 * (default {@code CPC_PASSWORD}), else a prompt on the terminal. On its own for the node commands, whose keys live
 * in the data dir; {@link KeyringOptions} adds the keyring directory for the commands that use one.
 */
class PasswordOptions {
    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the key password from the first line of FILE.")
    Path passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR", defaultValue = Passwords.ENV,
            description = "Read the key password from this environment variable (default: ${DEFAULT-VALUE}).")
    String passwordEnv;

    /** Whether a password source was named on the command line (a devnet then uses it instead of its public one). */
    boolean passwordGiven() {
        return passwordFile != null || !Passwords.ENV.equals(passwordEnv);
    }

    char[] unlockPassword(String keyName) {
        return password(keyName, false);
    }

    char[] newPassword(String keyName) {
        return password(keyName, true);
    }

    private char[] password(String keyName, boolean confirm) {
        if (passwordFile != null) {
            try {
                String first = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
                if (first.isEmpty()) throw new KeyringException("password file " + passwordFile + " is empty");
                return first.toCharArray();
            } catch (IOException e) {
                throw new KeyringException("cannot read password file " + passwordFile + ": " + e.getMessage(), e);
            }
        }
        if (!Passwords.ENV.equals(passwordEnv)) {
            String v = System.getenv(passwordEnv);
            if (v == null || v.isEmpty()) {
                throw new KeyringException("environment variable " + passwordEnv + " is not set or empty");
            }
            return v.toCharArray();
        }
        return confirm ? Passwords.forNewKey(keyName) : Passwords.forUnlock(keyName);
    }
}
