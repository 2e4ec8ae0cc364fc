package org.cpc.cli;

import org.cpc.poc.MarketClient;
import picocli.CommandLine.Option;

/** {@code --market URL}: which PoC validator's Task Market a command talks to. */
final class MarketUrlOption {
    static final String DEFAULT = "http://127.0.0.1:8080";

    @Option(names = "--market", paramLabel = "URL", defaultValue = DEFAULT,
            description = "Task Market (PoC validator) URL (default: ${DEFAULT-VALUE}).")
    String url;

    MarketClient client() {
        return new MarketClient(url);
    }
}
