package org.cpc.poc;

import java.math.BigInteger;
import java.time.Duration;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;

/**
 * Announces where a bonded PoC validator's Task Market is: a BOND of amount 0
 * {@code {"role":"poc_validator","endpoint","name"}}, which moves its {@code GET /pocs} listing. It is sent before the
 * L1 outbox starts and awaited until it is in a block, so it never competes with the outbox's SUBMIT_RESULTs and
 * payments for a nonce.
 */
final class EndpointAnnouncer {
    /** How long the BOND may take to be included: many blocks on any network this is used on. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final long POLL_MS = 100;

    private EndpointAnnouncer() {}

    /**
     * Sends the announcement and waits until L1 included it; returns its hash. Throws {@link IllegalStateException}
     * with L1's reason when it is refused or not included within {@link #MAX_WAIT}.
     */
    static String announce(Ledger ledger, AccountKey key, String endpoint, String name) throws InterruptedException {
        NetworkParams params = ledger.params();
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        Transaction bond;
        while (true) {
            bond = TxBuilder.of(params, key).nonce(ledger.nextNonce(key.address()))
                    .gasPrice(params.minGasPrice()).timestamp(System.currentTimeMillis() / 1000)
                    .bondPoc(BigInteger.ZERO, endpoint, name);
            if (!(ledger.send(bond) instanceof Ledger.Sent.Rejected r)) break;
            // A new chain's operator has nothing until its first blocks pay it (a devnet's validator is its own
            // PoC validator): wait for the fee rather than fail, within the same bound.
            if (!r.reason().contains("insufficient balance") || System.nanoTime() > deadline) {
                throw new IllegalStateException("L1 refused the BOND announcing endpoint " + endpoint + ": " + r.reason());
            }
            Thread.sleep(POLL_MS);
        }
        while (ledger.txState(bond.hashHex()) != Ledger.TxState.INCLUDED) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the BOND announcing endpoint " + endpoint + " (tx " + bond.hashHex()
                        + ") was not included within " + MAX_WAIT.toSeconds() + " s");
            }
            Thread.sleep(POLL_MS);
        }
        return bond.hashHex();
    }
}
