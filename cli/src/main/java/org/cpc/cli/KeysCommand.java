package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.keys.KeyInfo;
import org.cpc.protocol.keys.KeyKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "keys", description = "Manage the local keyring (password-encrypted keys).",
        subcommands = {KeysCommand.Add.class, KeysCommand.ListKeys.class, KeysCommand.Show.class,
            KeysCommand.Import.class, KeysCommand.Export.class})
final class KeysCommand extends GroupCommand {
    static void print(PrintWriter out, KeyInfo k) {
        out.println("name:       " + k.name());
        out.println("kind:       " + k.kind().wire());
        out.println("address:    " + k.address());
        out.println("public key: " + k.publicKeyHex());
    }

    /** What every keys subcommand has: the keyring with its password options, and the command's output. */
    abstract static class OnKeyring implements Runnable {
        @Mixin KeyringOptions keys;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    }

    @Command(name = "add", description = "Create a new key.")
    static final class Add extends OnKeyring {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--kind", defaultValue = "secp256k1",
                description = "secp256k1 (accounts, workers) or ml-dsa-65 (validators). Default: ${DEFAULT-VALUE}.")
        String kind;

        @Override
        public void run() {
            KeyInfo k = keys.keyring().create(name, KeyKind.parse(kind), keys.newPassword(name));
            print(spec.commandLine().getOut(), k);
        }
    }

    @Command(name = "list", description = "List the keys (no password needed).")
    static final class ListKeys extends OnKeyring {
        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            List<KeyInfo> all = keys.keyring().list();
            if (all.isEmpty()) out.println("no keys in " + keys.keyring().directory() + "; create one with: cpc keys add NAME");
            for (KeyInfo k : all) out.printf("%-20s %-10s %s%n", k.name(), k.kind().wire(), k.address());
        }
    }

    @Command(name = "show", description = "Print a key's address and public key.")
    static final class Show extends OnKeyring {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--address", description = "Print only the address.") boolean addressOnly;

        @Override
        public void run() {
            KeyInfo k = keys.keyring().show(name);
            if (addressOnly) spec.commandLine().getOut().println(k.address());
            else print(spec.commandLine().getOut(), k);
        }
    }

    @Command(name = "import", description = "Store an existing secp256k1 private key (64 hex characters).")
    static final class Import extends OnKeyring {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--private-key-file", paramLabel = "FILE", required = true,
                description = "File whose first line is the private key in hex.")
        Path file;

        @Override
        public void run() {
            String hex;
            try {
                hex = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new Errors.CliException(Cpc.EXIT_KEY, "cannot read " + file + ": " + e.getMessage());
            }
            byte[] priv = Hex.decode(hex, 32, "private key");
            print(spec.commandLine().getOut(), keys.keyring().importSecp256k1(name, priv, keys.newPassword(name)));
        }
    }

    @Command(name = "export", description = "Print a key's private key in hex (keep it secret).")
    static final class Export extends OnKeyring {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public void run() {
            String hex = keys.keyring().exportPrivateHex(name, keys.unlockPassword(name));
            spec.commandLine().getErr().println("warning: anyone with this private key controls the account");
            spec.commandLine().getOut().println(hex);
        }
    }
}
