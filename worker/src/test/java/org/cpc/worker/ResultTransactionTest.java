package org.cpc.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.SyntheticVerifier;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;

class ResultTransactionTest {
    private static final AccountKey KEY = AccountKey.of(filled(0x11));
    private static final String BLOCK_HASH = "ab".repeat(32);
    private static final NetworkParams PARAMS = NetworkParams.devnet().withSynthetic(64, 8);

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }

    private static SyntheticResult prove(NetworkParams p) {
        return new SyntheticProver(Backends.java(1).gemm())
                .prove(BLOCK_HASH, 7, KEY.address(), p.syntheticMatrixSize(), p.syntheticSpotChecks());
    }

    @Test
    void gasIsTheBasePlusProofGasRoundedUpPerMebiMac() {
        // devnet: k·n² = 32·1024² = 32 Mi MACs → 32 units × 30,000 gas.
        assertThat(GasSchedule.syntheticResultGas(NetworkParams.devnet())).isEqualTo(80_000 + 32 * 30_000);
        // 8·64² = 32,768 MACs is a fraction of one unit, which still costs a whole unit.
        assertThat(GasSchedule.syntheticResultGas(PARAMS)).isEqualTo(80_000 + PARAMS.syntheticVerifyGasPerMmac());
        assertThat(ResultTransaction.fee(NetworkParams.devnet()))
                .isEqualTo(BigInteger.valueOf(1_040_000L * 1_000));
    }

    @Test
    void transactionIsASignedSubmitResultTheChainAccepts() throws Exception {
        SyntheticResult r = prove(PARAMS);
        Transaction tx = ResultTransaction.build(KEY, PARAMS, r, 5, 1_700_000_000L);

        assertThat(tx.txType()).isEqualTo(TxType.SUBMIT_RESULT);
        assertThat(tx.chainId()).isEqualTo(PARAMS.chainId());
        assertThat(tx.fromAddress()).isEqualTo(KEY.address());
        assertThat(tx.toAddress()).isNull();
        assertThat(tx.amount()).isZero();
        assertThat(tx.nonce()).isEqualTo(5);
        assertThat(tx.timestamp()).isEqualTo(1_700_000_000L);
        assertThat(tx.gasPrice()).isEqualTo(PARAMS.minGasPrice());
        assertThat(tx.gasLimit()).isEqualTo(GasSchedule.syntheticResultGas(PARAMS));
        assertThat(tx.fee()).isEqualTo(BigInteger.valueOf(tx.gasLimit()).multiply(BigInteger.valueOf(tx.gasPrice())));
        assertThat(tx.pubKey()).isEqualTo(Hex.encode(KEY.publicKey())).hasSize(66);

        byte[] sig = Hex.decode(tx.signature());
        assertThat(sig).hasSize(64);
        assertThat(Secp256k1.get().verify(KEY.publicKey(), tx.hash(), sig)).isTrue();
        assertThat(Secp256k1.pureJava().verify(KEY.publicKey(), tx.hash(), sig)).isTrue();
        // The chain's own gas schedule; that a real node accepts these results is SoloWorkerEndToEndTest's (cli).
        assertThat(tx.gasLimit()).isEqualTo(GasSchedule.intrinsicGas(tx, PARAMS));
    }

    @Test
    void payloadIsTheComputeResultWithTheBlockHeightAsNonceAndNoSignature() {
        SyntheticResult r = prove(PARAMS);
        Transaction tx = ResultTransaction.build(KEY, PARAMS, r, 0, 1);
        JsonNode payload = tx.payload();

        Set<String> names = new HashSet<>();
        payload.fieldNames().forEachRemaining(names::add);
        assertThat(names).isEqualTo(ComputeResult.FIELDS);
        assertThat(payload.get("task_id").asText()).isEqualTo(r.taskId());
        assertThat(payload.get("worker_address").asText()).isEqualTo(KEY.address());
        assertThat(payload.get("result_hash").asText()).isEqualTo(r.resultHash());
        assertThat(payload.get("proof").asText()).isEqualTo(r.proof());
        assertThat(payload.get("nonce").asLong()).isEqualTo(7);
        assertThat(payload.get("signature").isNull()).isTrue();

        ComputeResult back = ComputeResult.fromJson(payload);
        assertThat(new SyntheticVerifier(Backends.java(1).gemm()).verify(BLOCK_HASH, back.workerAddress(),
                PARAMS.syntheticMatrixSize(), PARAMS.syntheticSpotChecks(), back.taskId(), back.resultHash(),
                back.proof()).ok()).isTrue();
    }

    @Test
    void theSignatureCoversThePayload() {
        Transaction tx = ResultTransaction.build(KEY, PARAMS, prove(PARAMS), 0, 1);
        var tampered = tx.payload().deepCopy();
        tampered.put("result_hash", "00".repeat(32));
        Transaction forged = new Transaction(tx.chainId(), tx.txType(), tx.fromAddress(), tx.toAddress(), tx.amount(),
                tx.fee(), tx.nonce(), tx.gasPrice(), tx.gasLimit(), tx.timestamp(), tx.pubKey(), tampered,
                tx.signature());
        assertThat(Secp256k1.get().verify(KEY.publicKey(), forged.hash(), Hex.decode(tx.signature()))).isFalse();
    }
}
