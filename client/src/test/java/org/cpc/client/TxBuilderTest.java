package org.cpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;

class TxBuilderTest {
    private static final NetworkParams DEVNET = NetworkParams.devnet();
    private static final AccountKey KEY = AccountKey.of(filled(0x22));
    private static final String TO = "cpc1w508d6qejxtdg4y5r3zarvary0c5xw7k32stzz";
    private static final ComputeResult RESULT = new ComputeResult("00000000-0000-4000-8000-000000000001",
            KEY.address(), "ab".repeat(32), "cd".repeat(32), 41L, null);
    private static final ComputeTask TASK = ComputeTask.fromJson(Json.parse("""
            {"task_id":"00000000-0000-4000-8000-000000000002","challenge_type":"synthetic",
             "payload":{"seed":"%s","matrix_size":16,"iterations":2},
             "reward":"10000000000000000000","deadline":1700000600}""".formatted("ef".repeat(32))));

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }

    private static TxBuilder builder() {
        return TxBuilder.of(DEVNET, KEY);
    }

    /** Hash and signature as the code before the builder (TxFactory, MarketClient) made them: the same bytes. */
    private static void assertBytes(Transaction tx, String hash, String signature) {
        assertThat(tx.hashHex()).isEqualTo(hash);
        assertThat(tx.signature()).isEqualTo(signature);
    }

    @Test
    void transactionsAreTheBytesTheyWereBeforeTheBuilder() {
        assertBytes(builder().nonce(3).timestamp(1_700_000_000L).transfer(TO, new BigInteger("1500000000000000000")),
                "0badf4ddecc67db46f3645dd1012c36e4f77eea6debd62b2a2e655b0fa55341a",
                "f4b5d1064164e11d12c801d833c6691905642ed20b38cbec0d6ec2892cfda61d"
                        + "4f1abbc900a00f8c2127e9986503e387b3535c9ed119f801e69e3cb347cb143c");
        assertBytes(builder().nonce(4).timestamp(1_700_000_001L).submitResult(RESULT),
                "1958af7a07736a9d0bca4ecb70d880824f3ff1b12b2e1269e8c6914f7ee807ed",
                "5039fa1d561674004eefbd04d3fdf5ec301bfc6b2fe52152c83466806c035e7c"
                        + "60d8b1573bfcecc1e5e4830e32ecdb27d644c4cd9c968a7cae3344b3edca20d7");
        assertBytes(builder().nonce(5).timestamp(1_700_000_002L).createTask(TASK),
                "3f48db68b16c43bbe5ee669e5184988b469ae3d7e18d380dbe5951a46870c4d4",
                "f0a8ec094ba0ff4c756fe1f472144254b9b1949ea129a0616f6e3e30e16777ff"
                        + "30323e6964a92b6918105149eefea1c5555bd9989136aacc59cf8d3950a5e094");
        assertBytes(builder().nonce(6).timestamp(1_700_000_003L).cancelTask(TASK.taskId()),
                "088819e47a18a905df5ac7fe766fa37b82b6f864e3e95e17477be60a82639331",
                "57cb8fa036ee3ec3f61f2132236826abfa70f1b5eb3fd9f713d7d804ea827a8e"
                        + "01ce85441d4999e8b782b22c3fff837ba51f4e02a0cb440f297b1560ef0fd467");
    }

    @Test
    void gasIsTheIntrinsicGasAndTheFeeGasTimesPrice() {
        Transaction transfer = builder().transfer(TO, BigInteger.ONE);
        Transaction result = builder().submitResult(RESULT);
        Transaction create = builder().createTask(TASK);
        Transaction cancel = builder().cancelTask(TASK.taskId());
        assertThat(transfer.gasLimit()).isEqualTo(21_000);
        assertThat(result.gasLimit()).isEqualTo(80_000 + 32 * 30_000);
        assertThat(create.gasLimit()).isEqualTo(64_016);
        assertThat(cancel.gasLimit()).isEqualTo(30_000);
        for (Transaction tx : new Transaction[] {transfer, result, create, cancel}) {
            assertThat(tx.gasLimit()).isEqualTo(GasSchedule.intrinsicGas(tx, DEVNET));
            assertThat(tx.gasPrice()).isEqualTo(DEVNET.minGasPrice());
            assertThat(tx.fee()).isEqualTo(BigInteger.valueOf(tx.gasLimit() * DEVNET.minGasPrice()));
            assertThat(tx.chainId()).isEqualTo(DEVNET.chainId());
            assertThat(tx.fromAddress()).isEqualTo(KEY.address());
            assertThat(tx.pubKey()).isEqualTo(Hex.encode(KEY.publicKey()));
            assertThat(Secp256k1.get().verify(KEY.publicKey(), tx.hash(), Hex.decode(tx.signature()))).isTrue();
        }
    }

    @Test
    void eachTypeCarriesItsPayloadAmountAndRecipient() {
        Transaction transfer = builder().transfer(TO, BigInteger.TEN);
        assertThat(transfer.txType()).isEqualTo(TxType.TRANSFER);
        assertThat(transfer.toAddress()).isEqualTo(TO);
        assertThat(transfer.amount()).isEqualTo(BigInteger.TEN);
        assertThat(transfer.payload()).isEqualTo(Json.object());

        Transaction create = builder().createTask(TASK);
        assertThat(create.toAddress()).isNull();
        assertThat(create.amount()).isEqualTo(TASK.reward());
        assertThat(ComputeTask.fromJson(create.payload())).isEqualTo(TASK);

        Transaction result = builder().submitResult(RESULT);
        assertThat(result.amount()).isZero();
        assertThat(ComputeResult.fromJson(result.payload())).isEqualTo(RESULT);

        assertThat(builder().cancelTask(TASK.taskId()).payload()).isEqualTo(Json.object().put("task_id", TASK.taskId()));
    }

    @Test
    void anExplicitGasLimitAndPriceSetTheFee() {
        Transaction tx = builder().gasPrice(2_000).gasLimit(2_000_000).submitResult(RESULT);
        assertThat(tx.gasLimit()).isEqualTo(2_000_000);
        assertThat(tx.gasPrice()).isEqualTo(2_000);
        assertThat(tx.fee()).isEqualTo(BigInteger.valueOf(4_000_000_000L));
    }

    @Test
    void aBuilderIsImmutableAndReusable() {
        TxBuilder base = builder().timestamp(9);
        Transaction first = base.nonce(1).transfer(TO, BigInteger.ONE);
        Transaction second = base.nonce(2).transfer(TO, BigInteger.ONE);
        assertThat(base.nonce()).isZero();
        assertThat(first.nonce()).isEqualTo(1);
        assertThat(second.nonce()).isEqualTo(2);
        assertThat(second.timestamp()).isEqualTo(9);
    }
}
