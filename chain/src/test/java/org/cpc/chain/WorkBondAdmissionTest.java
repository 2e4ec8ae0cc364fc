package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.TestKit.*;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admission of synthetic results by worker bond, on a real chain (RocksDB, real proofs and signatures). */
class WorkBondAdmissionTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();
    static final NetworkParams P = PARAMS.withBonds(PARAMS.bonds().withMinWorkerBond(Amounts.cpc(1)));

    @Test
    void aWorkerBondedBelowMinWorkerBondIsRefusedWithTheReasonThenAdmittedOnceBonded() throws Exception {
        try (LocalChain c = LocalChain.open(dir, genesis(P, validatorKey(), 3, 1000), options(clock))) {
            produce(c, vkey);
            String h1 = c.head().hashHex();
            ComputeResult r = result(priv(0), 1, h1);
            Admission a = c.submit(submitResult(priv(0), r, 0));
            assertThat(a).isInstanceOf(Admission.Rejected.class);
            assertThat(((Admission.Rejected) a).reason()).contains("worker " + addr(0) + " has bonded 0 wei")
                    .contains("min_worker_bond 1000000000000000000 wei");

            BigInteger almost = Amounts.cpc(1).subtract(BigInteger.ONE);
            assertThat(c.submit(bond(0, almost, 0))).isInstanceOf(Admission.Accepted.class);
            produce(c, vkey);
            Admission b = c.submit(submitResult(priv(0), r, 1));
            assertThat(((Admission.Rejected) b).reason()).contains("has bonded 999999999999999999 wei");

            assertThat(c.submit(bond(0, BigInteger.ONE, 1))).isInstanceOf(Admission.Accepted.class);
            produce(c, vkey);
            assertThat(c.submit(submitResult(priv(0), r, 2))).isInstanceOf(Admission.Accepted.class);
            produce(c, vkey);
            assertThat(c.resultAccepted(r.taskId())).isTrue();
            assertThat(c.supply().balanced()).isTrue();
            assertThat(c.supply().buckets().get("work_bonds")).isEqualTo(Amounts.cpc(1));
        }
    }

    private static org.cpc.protocol.types.Transaction bond(int account, BigInteger amount, long nonce) {
        return TxBuilder.of(P, AccountKey.of(priv(account))).nonce(nonce).gasPrice(1000).timestamp(1_700_000_000L)
                .bondWorker(amount);
    }
}
