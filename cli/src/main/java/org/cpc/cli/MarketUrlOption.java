package org.cpc.cli;

import org.cpc.poc.MarketClient;
import picocli.CommandLine.Option;

/** {@code --market URL}: which PoC validator's Task Market a command talks to. */
final class MarketUrlOption {
    static final String DEFAULT = "http://127.0.0.1:8080";

    /** {@code task create --market auto}: pick a market from the chain's bonded PoC validators ({@link MarketPicker}). */
    static final String AUTO = "auto";

    @Option(names = "--market", paramLabel = "URL", defaultValue = DEFAULT,
            description = "Task Market (PoC validator) URL (default: ${DEFAULT-VALUE}); task create also takes"
                    + " 'auto': the largest-bonded PoC validator on chain whose market answers.")
    String url;

    MarketClient client() {
        if (AUTO.equals(url)) {
            throw new Errors.CliException(Cpc.EXIT_USAGE, "--market auto is for task create, which chooses a market"
                    + " and prints it; give this command that market's URL");
        }
        return new MarketClient(url);
    }
}
