package org.cpc.cli;

import java.io.PrintWriter;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tx", description = "Sign transactions with a keyring key and send them to a node.",
        subcommands = {TxCommand.Send.class, TxCommand.SubmitResult.class})
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

        @Override
        public void run() {
            NodeClient client = node.client();
            AccountKey key = keys.keyring().unlockSecp256k1(from, keys.unlockPassword(from));
            NetworkParams params = NetworkParams.fromJson(client.params());
            long price = gasPrice != null ? gasPrice : params.minGasPrice();
            long nonce = txNonce != null ? txNonce : client.balance(key.address()).path("nonce").asLong();
            Transaction tx = build(TxBuilder.of(params, key).nonce(nonce).gasPrice(price)
                    .timestamp(System.currentTimeMillis() / 1000));
            NodeClient.Reply r = client.sendTransaction(tx);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(org.cpc.protocol.codec.Json.pretty(r.body()));
                out.flush();
            }
            if (!r.ok()) throw new Errors.CliException(Cpc.EXIT_FAILED, "rejected: " + r.error());
            if (!json) {
                out.println("tx_hash: " + r.body().path("tx_hash").asText());
                out.println("status:  " + r.body().path("status").asText() + " (nonce " + nonce + ")");
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
}
