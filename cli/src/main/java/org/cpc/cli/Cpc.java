package org.cpc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cpc} command. Exit codes scripts can rely on: 0 success, 1 the operation failed (a rejected
 * transaction, an unreachable node), 2 the command line was wrong, 3 a key or password problem.
 */
@Command(name = "cpc",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Proof-of-Compute chain: node, GPU worker, PoC validator and wallet.",
        subcommands = {
            VersionCommand.class,
            KeysCommand.class,
            NodeCommand.class,
            DevnetCommand.class,
            QueryCommand.class,
            TxCommand.class,
            WorkerCommand.class,
            PocCommand.class,
            TaskCommand.class,
            BenchCommand.class,
            ModelCommand.class,
            TestnetCommand.class,
            CommandLine.HelpCommand.class,
            picocli.AutoComplete.GenerateCompletion.class,
        })
public final class Cpc implements Runnable {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_KEY = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Cpc());
        withHelpEverywhere(cl);
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setExecutionExceptionHandler(Errors::handle);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // The completion script generator is a hidden helper: `cpc generate-completion >> ~/.bashrc`.
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cl;
    }

    /** Every command answers --help and --version, so `cpc node init --help` helps instead of complaining. */
    private static void withHelpEverywhere(CommandLine cl) {
        cl.getCommandSpec().mixinStandardHelpOptions(true);
        for (CommandLine sub : cl.getSubcommands().values()) withHelpEverywhere(sub);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
