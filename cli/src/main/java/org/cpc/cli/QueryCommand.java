package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.cpc.client.NodeClient;
import org.cpc.protocol.codec.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "query", description = "Read the chain from a node's REST API.",
        subcommands = {QueryCommand.Status.class, QueryCommand.BlockQuery.class, QueryCommand.Tx.class,
            QueryCommand.Balance.class, QueryCommand.Validators.class, QueryCommand.ValidatorQuery.class,
            QueryCommand.Delegations.class, QueryCommand.Rewards.class, QueryCommand.Unbonding.class,
            QueryCommand.SupplyQuery.class, QueryCommand.Worker.class, QueryCommand.Pocs.class,
            QueryCommand.Audit.class})
final class QueryCommand extends GroupCommand {
    /** What every query shares: the node, {@code --json}, and turning an error reply into exit code 1. */
    abstract static class Query implements Runnable {
        @Mixin NodeUrlOption node;
        @Option(names = "--json", description = "Print the node's JSON answer, for scripts.") boolean json;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        abstract String path();

        abstract void human(PrintWriter out, JsonNode body);

        @Override
        public void run() {
            NodeClient.Reply r = node.client().get(path());
            if (!r.ok()) throw new Errors.CliException(Cpc.EXIT_FAILED, r.error());
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(Json.pretty(r.body()));
            else human(out, r.body());
            out.flush();
        }
    }

    /** A query about one account, named as its route: {@code cpc query NAME ADDRESS} reads {@code /NAME/ADDRESS}. */
    abstract static class AddressQuery extends Query {
        @Parameters(paramLabel = "ADDRESS") String address;

        String path() {
            return "/" + spec.name() + "/" + NodeClient.encode(address);
        }
    }

    @Command(name = "status", description = "Height, last block hash, chain id, mempool size.")
    static final class Status extends Query {
        String path() {
            return "/status";
        }

        void human(PrintWriter out, JsonNode b) {
            out.println("chain:    " + b.path("chain_id").asText() + " (" + b.path("network").asText() + ")");
            out.println("height:   " + b.path("height").asLong());
            out.println("last:     " + b.path("last_hash").asText());
            out.println("mempool:  " + b.path("mempool_size").asInt() + " transactions");
        }
    }

    @Command(name = "block", description = "A block by height, or the latest.")
    static final class BlockQuery extends Query {
        @Parameters(paramLabel = "HEIGHT", defaultValue = "latest", description = "A height or 'latest' (default).")
        String height;

        String path() {
            return "/block/" + NodeClient.encode(height);
        }

        void human(PrintWriter out, JsonNode b) {
            JsonNode h = b.path("header");
            out.println("height:       " + h.path("height").asLong());
            out.println("hash:         " + b.path("hash").asText());
            out.println("prev_hash:    " + h.path("prev_hash").asText());
            out.println("timestamp:    " + h.path("timestamp").asLong());
            out.println("proposer:     " + h.path("proposer_address").asText());
            out.println("tx_root:      " + h.path("tx_root").asText());
            out.println("state_root:   " + h.path("state_root").asText());
            out.println("compute_root: " + h.path("compute_root").asText());
            out.println("gas:          " + h.path("gas_used").asLong() + " / " + h.path("gas_limit").asLong());
            out.println("transactions: " + b.path("transactions").size());
            for (JsonNode tx : b.path("transactions")) {
                out.println("  " + tx.path("tx_type").asText() + " " + tx.path("from_address").asText() + " -> "
                        + tx.path("to_address").asText("-") + " amount " + tx.path("amount").asText() + " wei");
            }
        }
    }

    @Command(name = "tx", description = "A transaction by hash: pending or included.")
    static final class Tx extends Query {
        @Parameters(paramLabel = "HASH") String hash;

        String path() {
            return "/tx/" + NodeClient.encode(hash);
        }

        void human(PrintWriter out, JsonNode b) {
            JsonNode tx = b.path("tx");
            out.println("hash:    " + b.path("tx_hash").asText());
            out.println("status:  " + b.path("status").asText()
                    + (b.path("block_height").isNull() ? "" : " in block " + b.path("block_height").asLong()));
            out.println("type:    " + tx.path("tx_type").asText());
            out.println("from:    " + tx.path("from_address").asText() + " (nonce " + tx.path("nonce").asLong() + ")");
            out.println("to:      " + tx.path("to_address").asText("-"));
            out.println("amount:  " + tx.path("amount").asText() + " wei");
            out.println("fee:     " + tx.path("fee").asText() + " wei max, gas used " + b.path("gas_used").asLong());
        }
    }

    @Command(name = "balance", description = "An account's balance and next nonce.")
    static final class Balance extends AddressQuery {
        void human(PrintWriter out, JsonNode b) {
            out.println(b.path("balance_cpc").asText() + " CPC (" + b.path("balance").asText() + " wei), next nonce "
                    + b.path("nonce").asLong());
        }
    }

    @Command(name = "validators", description = "The staking validators: bond, status, commission, liveness.")
    static final class Validators extends Query {
        @Option(names = "--jailed", description = "Only the jailed and tombstoned ones.") boolean jailed;
        @Option(names = "--leaderboard", description = "By bond, largest first.") boolean leaderboard;

        String path() {
            return jailed ? "/validators/jailed" : leaderboard ? "/validators/leaderboard" : "/validators";
        }

        void human(PrintWriter out, JsonNode b) {
            for (JsonNode v : b.path("validators")) {
                out.println(v.path("operator_address").asText() + "  " + v.path("status").asText() + "  bond "
                        + v.path("tokens_cpc").asText() + " CPC (self " + v.path("self_bond_cpc").asText()
                        + ")  power " + v.path("power").asLong() + "  commission " + v.path("commission_bps").asInt()
                        + " bps  uptime " + v.path("uptime_bps").asInt() + " bps"
                        + (v.path("name").asText().isEmpty() ? "" : "  " + v.path("name").asText()));
            }
        }
    }

    @Command(name = "validator", description = "One validator, by operator (cpc1...) or consensus (cpcvalcons1...) address.")
    static final class ValidatorQuery extends AddressQuery {
        void human(PrintWriter out, JsonNode v) {
            out.println("operator:    " + v.path("operator_address").asText());
            out.println("consensus:   " + v.path("consensus_address").asText());
            out.println("name:        " + v.path("name").asText());
            out.println("website:     " + v.path("website").asText());
            out.println("status:      " + v.path("status").asText()
                    + (v.path("jailed_until").asLong() > 0 ? " until " + v.path("jailed_until").asLong() : ""));
            out.println("bond:        " + v.path("tokens_cpc").asText() + " CPC (self " + v.path("self_bond_cpc").asText()
                    + ", delegated " + v.path("delegated_cpc").asText() + "), power " + v.path("power").asLong());
            out.println("commission:  " + v.path("commission_bps").asInt() + " bps");
            out.println("liveness:    " + v.path("missed_blocks").asInt() + " missed, uptime "
                    + v.path("uptime_bps").asInt() + " bps");
        }
    }

    /**
     * A delegator's list, named as its section: {@code cpc query NAME ADDRESS} reads {@code /delegator/ADDRESS/NAME}
     * and prints one line an entry of its list ({@link #items}), then the {@code total_cpc} of them all.
     */
    abstract static class DelegatorQuery extends AddressQuery {
        /** The reply's list, named as the section but for {@code unbonding}'s {@code entries}. */
        String items() {
            return spec.name();
        }

        @Override
        final String path() {
            return "/delegator/" + NodeClient.encode(address) + "/" + spec.name();
        }

        abstract String line(JsonNode item);

        final void human(PrintWriter out, JsonNode b) {
            for (JsonNode item : b.path(items())) out.println(line(item));
            out.println("total: " + b.path("total_cpc").asText() + " CPC");
        }
    }

    @Command(name = "delegations", description = "An account's bonds with their pending rewards.")
    static final class Delegations extends DelegatorQuery {
        String line(JsonNode d) {
            return d.path("validator").asText() + "  " + d.path("amount_cpc").asText() + " CPC  pending rewards "
                    + d.path("pending_rewards_cpc").asText() + " CPC" + (d.path("self_bond").asBoolean() ? "  (self-bond)" : "");
        }
    }

    @Command(name = "rewards", description = "An account's pending staking rewards.")
    static final class Rewards extends DelegatorQuery {
        String line(JsonNode r) {
            return r.path("validator").asText() + "  " + r.path("pending_rewards_cpc").asText() + " CPC";
        }
    }

    @Command(name = "unbonding", description = "An account's unbonding entries.")
    static final class Unbonding extends DelegatorQuery {
        @Override
        String items() {
            return "entries";
        }

        String line(JsonNode e) {
            return e.path("validator").asText() + "  " + e.path("balance_cpc").asText() + " CPC  matures at "
                    + e.path("matures_height").asLong() + " (" + e.path("blocks_left").asLong() + " blocks left)";
        }
    }

    @Command(name = "supply", description = "Where every wei is: total supply and its buckets.")
    static final class SupplyQuery extends Query {
        String path() {
            return "/supply";
        }

        void human(PrintWriter out, JsonNode b) {
            out.println("height: " + b.path("height").asLong());
            out.println("total:  " + b.path("total_cpc").asText() + " CPC");
            b.path("buckets_cpc").properties().forEach(e -> out.println("  " + e.getKey() + ": " + e.getValue().asText() + " CPC"));
        }
    }

    @Command(name = "worker", description = "A worker's results, earnings, work bond and reputation.")
    static final class Worker extends AddressQuery {
        void human(PrintWriter out, JsonNode w) {
            out.println(w.path("address").asText() + ": " + w.path("accepted_results").asLong() + " results accepted, "
                    + w.path("earned_cpc").asText() + " CPC earned");
            out.println("  bond " + w.path("bond_cpc").asText() + " CPC" + (w.path("bonded_enough").asBoolean() ? ""
                    : " (below min_worker_bond: synthetic results are refused)") + ", unbonding "
                    + w.path("unbonding_cpc").asText() + " CPC");
            out.println("  reputation " + w.path("reputation").asInt() + " bps, audited " + w.path("audited").asLong()
                    + ", failed audits " + w.path("failed_audits").asLong() + ", slashed "
                    + w.path("slashed_cpc").asText() + " CPC");
        }
    }

    @Command(name = "pocs", description = "The PoC validators (Task Markets) bonded on chain, largest bond first.")
    static final class Pocs extends Query {
        String path() {
            return "/pocs";
        }

        void human(PrintWriter out, JsonNode b) {
            if (b.path("pocs").isEmpty()) out.println("no PoC validator is bonded at least min_poc_bond");
            for (JsonNode p : b.path("pocs")) {
                String endpoint = p.path("endpoint").asText();
                out.println(p.path("address").asText() + "  bond " + p.path("bond_cpc").asText() + " CPC  "
                        + (endpoint.isEmpty() ? "(no endpoint announced)" : endpoint) + "  jobs settled "
                        + p.path("tasks_settled").asLong() + "  slashed " + p.path("slashed_cpc").asText() + " CPC"
                        + (p.path("name").asText().isEmpty() ? "" : "  " + p.path("name").asText()));
            }
        }
    }

    @Command(name = "audit", description = "A synthetic result's audit: its challenge window and, once audited, the"
            + " outcome (passed, or failed with what was slashed).")
    static final class Audit extends Query {
        @Parameters(paramLabel = "TASK_ID") String taskId;

        String path() {
            return "/audit/" + NodeClient.encode(taskId);
        }

        void human(PrintWriter out, JsonNode a) {
            out.println(a.path("task_id").asText() + ": result of " + a.path("worker_address").asText()
                    + " included at height " + a.path("height").asLong() + ", paid " + a.path("reward_cpc").asText()
                    + " CPC");
            String status = a.path("status").asText();
            String by = a.path("challenger").asText().isEmpty() ? a.path("by").asText()
                    : "challenge by " + a.path("challenger").asText();
            switch (status) {
                case "passed" -> out.println("  audit passed at height " + a.path("audited_height").asLong() + " ("
                        + by + ")");
                case "failed" -> out.println("  audit FAILED at height " + a.path("audited_height").asLong() + " ("
                        + by + "): " + a.path("reason").asText() + "; slashed " + a.path("taken_cpc").asText()
                        + " CPC (bounty " + a.path("bounty").asText() + " wei, burned " + a.path("burned").asText()
                        + " wei)");
                case "queued" -> out.println("  selected for a random audit, waiting in the audit queue");
                default -> out.println("  not audited");
            }
            if (a.path("challengeable").asBoolean()) {
                out.println("  challengeable through height " + a.path("challenge_until").asLong()
                        + " (cpc tx challenge-result " + a.path("task_id").asText() + ")");
            }
        }
    }
}
