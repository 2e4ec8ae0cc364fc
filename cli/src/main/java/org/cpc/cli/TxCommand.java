package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.crypto.Address;
import org.cpc.node.DataDir;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.KeyringException;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tx", description = "Sign transactions with a keyring key and send them to a node.",
        subcommands = {TxCommand.Send.class, TxCommand.SubmitResult.class, TxCommand.Stake.class,
            TxCommand.Unstake.class, TxCommand.Delegate.class, TxCommand.Undelegate.class,
            TxCommand.WithdrawRewards.class, TxCommand.UpdateValidator.class, TxCommand.Unjail.class,
            TxCommand.Bond.class, TxCommand.Unbond.class, TxCommand.ChallengeResult.class})
final class TxCommand extends GroupCommand {
    /** The sender's key, the node, and what the node says a new transaction needs (chain id, gas price, nonce). */
    abstract static class Signed implements Runnable {
        @Option(names = "--from", required = true, paramLabel = "KEY", description = "Keyring name of the sender.")
        String from;
        @Option(names = "--gas-price", paramLabel = "WEI", description = "Gas price in wei (default: the network's minimum).")
        Long gasPrice;
        @Option(names = "--tx-nonce", paramLabel = "N", description = "Transaction nonce (default: the node's next nonce for the sender).")
        Long txNonce;
        @Option(names = "--json", description = "Print the node's JSON answer.") boolean json;
        @Mixin NodeUrlOption node;
        @Mixin KeyringOptions keys;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        /** The transaction, from a builder already set to the sender, its nonce, the gas price and the time. */
        abstract Transaction build(TxBuilder tx);

        /** The node this command talks to, for builds that must ask it something first. */
        NodeClient client() {
            return node.client();
        }

        @Override
        public void run() {
            NodeClient client = node.client();
            Sender s = Sender.of(client, keys, from, txNonce);
            Transaction tx = build(s.builder(gasPrice != null ? gasPrice : s.params().minGasPrice()));
            NodeClient.Reply r = client.sendTransaction(tx);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(org.cpc.protocol.codec.Json.pretty(r.body()));
                out.flush();
            }
            if (!r.ok()) throw new Errors.CliException(Cpc.EXIT_FAILED, "rejected: " + r.error());
            if (!json) {
                out.println("tx_hash: " + r.body().path("tx_hash").asText());
                out.println("status:  " + r.body().path("status").asText() + " (nonce " + s.nonce() + ")");
                out.println("follow:  cpc query tx " + r.body().path("tx_hash").asText() + " --node " + node.url);
                out.flush();
            }
        }
    }

    @Command(name = "send", description = "Transfer CPC to an address.")
    static final class Send extends Signed {
        @Option(names = "--to", required = true, paramLabel = "ADDRESS") String to;
        @Option(names = "--amount", required = true, paramLabel = "CPC", description = "Decimal CPC, e.g. 1.5") String amount;

        Transaction build(TxBuilder tx) {
            Address.decodeAccount(to);
            return tx.transfer(to, Amounts.parseCpc(amount));
        }
    }

    @Command(name = "submit-result", description = "Submit a ComputeResult (SUBMIT_RESULT) by hand; the sender is the worker.")
    static final class SubmitResult extends Signed {
        @Option(names = "--task-id", required = true, paramLabel = "UUID") String taskId;
        @Option(names = "--result-hash", required = true, paramLabel = "HEX") String resultHash;
        @Option(names = "--proof", paramLabel = "HEX", description = "Proof (for synthetic tasks: the audit paths).") String proof;
        @Option(names = "--nonce", paramLabel = "N",
                description = "The result's nonce: the source block height of a synthetic task, or a market job's index.")
        Long resultNonce;
        @Option(names = "--signature", paramLabel = "HEX", description = "Worker's recoverable signature (market jobs).") String signature;
        @Option(names = "--gas-limit", paramLabel = "GAS",
                description = "Gas limit (default: 80,000 plus the network's proof-verification gas).")
        Long gasLimit;

        Transaction build(TxBuilder tx) {
            ComputeResult result = new ComputeResult(taskId, tx.key().address(), resultHash, proof, resultNonce,
                    signature);
            return (gasLimit != null ? tx.gasLimit(gasLimit) : tx).submitResult(result);
        }
    }

    /** An amount of CPC, checked and turned into wei. */
    static java.math.BigInteger cpc(String amount) {
        return Amounts.parseCpc(amount);
    }

    @Command(name = "stake", description = {"Bond CPC as a validator (STAKE). The first STAKE of an account creates its "
            + "validator with a node's consensus key: pass --data-dir (the node's data dir, as `cpc node init` made it) "
            + "or --consensus-key-dir (a keyring holding the key), and --name, --website, --commission-bps.",
            "A later STAKE adds to the self-bond and needs none of them."})
    static final class Stake extends Signed {
        @Option(names = "--amount", required = true, paramLabel = "CPC", description = "Decimal CPC to bond.") String amount;
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "A node's data dir: its keys/ keyring holds the consensus key named by node.json's validator_key.")
        Path dataDir;
        @Option(names = "--consensus-key-dir", paramLabel = "DIR", description = "A keyring directory that holds the consensus key.")
        Path consensusKeyDir;
        @Option(names = "--consensus-key", paramLabel = "NAME",
                description = "The consensus key's name (default: node.json's validator_key, else '" + NodeInit.DEFAULT_VALIDATOR_KEY + "').")
        String consensusKey;
        @Option(names = "--consensus-password-file", paramLabel = "FILE",
                description = "The consensus key's password, on the first line (default: node.json's key_password on devnet, "
                        + "else the sender's --password-file/--password-env).")
        Path consensusPasswordFile;
        @Option(names = "--name", defaultValue = "", paramLabel = "TEXT", description = "Validator name, at most 64 characters.") String name;
        @Option(names = "--website", defaultValue = "", paramLabel = "URL", description = "At most 140 characters.") String website;
        @Option(names = "--commission-bps", defaultValue = "1000", paramLabel = "BPS",
                description = "Commission on the delegators' rewards, 0..10000 (default: ${DEFAULT-VALUE}).")
        int commissionBps;

        Transaction build(TxBuilder tx) {
            String operator = tx.key().address();
            boolean exists = client().get("/validator/" + NodeClient.encode(operator)).ok();
            if (exists) return tx.stake(cpc(amount));
            if (dataDir == null && consensusKeyDir == null) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, operator + " has no validator yet: its first STAKE needs the "
                        + "node's consensus key; pass --data-dir DIR (the node's data dir) or --consensus-key-dir DIR");
            }
            return tx.createValidator(cpc(amount), consensusKey(), name, website, commissionBps);
        }

        private ValidatorKey consensusKey() {
            NodeConfig config = dataDir != null && Files.isRegularFile(dataDir.resolve(NodeConfig.FILE))
                    ? NodeConfig.read(dataDir) : null;
            Keyring ring = new Keyring(consensusKeyDir != null ? consensusKeyDir : new DataDir(dataDir).keys());
            String keyName = consensusKey != null ? consensusKey
                    : config != null && config.validatorKey() != null ? config.validatorKey() : NodeInit.DEFAULT_VALIDATOR_KEY;
            char[] pw;
            if (consensusPasswordFile != null) {
                try {
                    pw = Files.readAllLines(consensusPasswordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("")
                            .toCharArray();
                } catch (IOException e) {
                    throw new KeyringException("cannot read password file " + consensusPasswordFile + ": " + e.getMessage(), e);
                }
            } else if (config != null && config.keyPassword() != null) {
                pw = config.keyPassword().toCharArray();
            } else {
                pw = keys.unlockPassword(keyName);
            }
            return ring.unlockValidator(keyName, pw);
        }
    }

    @Command(name = "unstake", description = "Start unbonding part of your validator's self-bond (UNSTAKE).")
    static final class Unstake extends Signed {
        @Option(names = "--amount", required = true, paramLabel = "CPC") String amount;

        Transaction build(TxBuilder tx) {
            return tx.unstake(cpc(amount));
        }
    }

    /** An amount moved to or from one validator's delegation: DELEGATE and UNDELEGATE take the same options. */
    abstract static class ToValidator extends Signed {
        @Option(names = "--validator", required = true, paramLabel = "OPERATOR", description = "The validator's operator address (cpc1...).")
        String validator;
        @Option(names = "--amount", required = true, paramLabel = "CPC") String amount;

        /** The transaction for an operator address already checked and an amount in wei. */
        abstract Transaction build(TxBuilder tx, String operator, BigInteger wei);

        Transaction build(TxBuilder tx) {
            Address.decodeAccount(validator);
            return build(tx, validator, cpc(amount));
        }
    }

    @Command(name = "delegate", description = "Bond CPC to a validator (DELEGATE).")
    static final class Delegate extends ToValidator {
        Transaction build(TxBuilder tx, String operator, BigInteger wei) {
            return tx.delegate(operator, wei);
        }
    }

    @Command(name = "undelegate", description = "Start unbonding part of a delegation (UNDELEGATE).")
    static final class Undelegate extends ToValidator {
        Transaction build(TxBuilder tx, String operator, BigInteger wei) {
            return tx.undelegate(operator, wei);
        }
    }

    @Command(name = "withdraw-rewards", description = "Withdraw pending rewards from one validator, or from all your bonds (WITHDRAW_REWARDS).")
    static final class WithdrawRewards extends Signed {
        @Option(names = "--validator", paramLabel = "OPERATOR", description = "Only this bond (default: all).") String validator;

        Transaction build(TxBuilder tx) {
            if (validator != null) Address.decodeAccount(validator);
            return tx.withdrawRewards(validator);
        }
    }

    @Command(name = "update-validator", description = "Change your validator's name, website or commission (UPDATE_VALIDATOR).")
    static final class UpdateValidator extends Signed {
        @Option(names = "--name", paramLabel = "TEXT") String name;
        @Option(names = "--website", paramLabel = "URL") String website;
        @Option(names = "--commission-bps", paramLabel = "BPS") Integer commissionBps;

        Transaction build(TxBuilder tx) {
            if (name == null && website == null && commissionBps == null) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "give at least one of --name, --website, --commission-bps");
            }
            return tx.updateValidator(name, website, commissionBps);
        }
    }

    @Command(name = "unjail", description = "Bring your jailed validator back (UNJAIL).")
    static final class Unjail extends Signed {
        Transaction build(TxBuilder tx) {
            return tx.unjail();
        }
    }

    @Command(name = "bond", description = {"Bond CPC as a worker or a PoC validator (BOND).",
        "A worker's synthetic results need a bond of min_worker_bond; a PoC validator's market results need "
            + "min_poc_bond, and its --endpoint (the Task Market's base URL) is listed by GET /pocs. A PoC validator "
            + "may bond --amount 0 to change only its endpoint and name."})
    static final class Bond extends Signed {
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "worker or poc_validator.")
        String role;
        @Option(names = "--amount", required = true, paramLabel = "CPC") String amount;
        @Option(names = "--endpoint", paramLabel = "URL", description = "poc_validator: the Task Market's base URL.")
        String endpoint;
        @Option(names = "--name", paramLabel = "TEXT", description = "poc_validator: a name shown in /pocs.")
        String name;

        Transaction build(TxBuilder tx) {
            return switch (role) {
                case "worker" -> {
                    if (endpoint != null || name != null) {
                        throw new Errors.CliException(Cpc.EXIT_USAGE, "--endpoint and --name are for --role poc_validator");
                    }
                    yield tx.bondWorker(cpc(amount));
                }
                case "poc_validator" -> {
                    if (endpoint == null) {
                        throw new Errors.CliException(Cpc.EXIT_USAGE, "--role poc_validator needs --endpoint URL"
                                + " (the Task Market's base URL, e.g. https://market.example.org)");
                    }
                    yield tx.bondPoc(cpc(amount), endpoint, name == null ? "" : name);
                }
                default -> throw new Errors.CliException(Cpc.EXIT_USAGE, "--role is worker or poc_validator, not '"
                        + role + "'");
            };
        }
    }

    @Command(name = "unbond", description = "Start unbonding part of a work bond (UNBOND): it comes back after "
            + "bond_unbonding_blocks, and can be slashed until then.")
    static final class Unbond extends Signed {
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "worker or poc_validator.")
        String role;
        @Option(names = "--amount", required = true, paramLabel = "CPC") String amount;

        Transaction build(TxBuilder tx) {
            if (!role.equals("worker") && !role.equals("poc_validator")) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "--role is worker or poc_validator, not '" + role + "'");
            }
            return tx.unbond(role, cpc(amount));
        }
    }

    @Command(name = "challenge-result", description = {"Force a full audit of a synthetic result (CHALLENGE_RESULT)"
            + " within challenge_window blocks of its inclusion.", "Its gas pays for recomputing all of C; a wrong"
            + " result pays you challenge_bounty_bps of the worker's slash. The outcome: cpc query audit TASK_ID."})
    static final class ChallengeResult extends Signed {
        @CommandLine.Parameters(index = "0", paramLabel = "TASK_ID", description = "The synthetic result's task_id.")
        String taskId;

        Transaction build(TxBuilder tx) {
            return tx.challengeResult(taskId);
        }
    }
}
