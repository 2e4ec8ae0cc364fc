package org.cpc.protocol.keys;

import java.io.Console;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Where key passwords come from: the {@code CPC_PASSWORD} environment variable when set (scripts, services),
 * otherwise a prompt on the terminal. Without either, the error says how to provide one.
 */
public final class Passwords {
    public static final String ENV = "CPC_PASSWORD";

    /** Reads a password without echo; the terminal, or a stand-in in tests. */
    @FunctionalInterface
    interface Prompt {
        char[] readPassword(String prompt);
    }

    private Passwords() {}

    /** The password to unlock an existing key. */
    public static char[] forUnlock(String keyName) {
        return read(keyName, false, System::getenv, terminal());
    }

    /** The password for a new key; asked twice on a terminal so a typo cannot lock the key away. */
    public static char[] forNewKey(String keyName) {
        return read(keyName, true, System::getenv, terminal());
    }

    static char[] read(String keyName, boolean confirm, UnaryOperator<String> env, Prompt prompt) {
        String fromEnv = env.apply(ENV);
        if (fromEnv != null) {
            if (fromEnv.isEmpty()) throw new KeyringException(ENV + " is set but empty; unset it or give it the password");
            return fromEnv.toCharArray();
        }
        if (prompt == null) {
            throw new KeyringException("no terminal to ask for the password of key '" + keyName
                    + "'; set the " + ENV + " environment variable");
        }
        char[] first = prompt.readPassword("Password for key '" + keyName + "': ");
        if (first == null) throw new KeyringException("no password entered for key '" + keyName + "' (end of input)");
        if (first.length == 0) throw new KeyringException("empty password for key '" + keyName + "'");
        if (confirm) {
            char[] second = prompt.readPassword("Repeat the password: ");
            boolean same = second != null && Arrays.equals(first, second);
            if (second != null) Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw new KeyringException("the two passwords for key '" + keyName + "' do not match");
            }
        }
        return first;
    }

    private static Prompt terminal() {
        // Since JDK 22 System.console() can exist with stdin redirected; only a real terminal may prompt.
        Console console = System.console();
        return console == null || !console.isTerminal() ? null : p -> console.readPassword("%s", p);
    }
}
