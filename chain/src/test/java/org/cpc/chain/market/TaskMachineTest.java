package org.cpc.chain.market;

import org.cpc.protocol.types.TaskStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.cpc.chain.exec.TxRejected;
import org.cpc.protocol.params.NetworkParams;
import org.junit.jupiter.api.Test;

/** The task state machine on its own: pure transitions, exact money. */
class TaskMachineTest {
    static final NetworkParams P = NetworkParams.devnet();
    static final String ID = "00000000-0000-4000-8000-000000000001";

    static MarketTask task(long reward, int jobs) {
        return TaskMachine.create(ID, "cpc1creator", "synthetic", "00".repeat(32), BigInteger.valueOf(reward), 1000,
                jobs, 7);
    }

    @Test
    void jobsSettleEveryWeiAndTheLastTakesTheRemainder() throws TxRejected {
        MarketTask t = task(1003, 3);
        assertThat(t.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(t.escrowLeft()).isEqualTo(BigInteger.valueOf(1003));
        BigInteger paid = BigInteger.ZERO;
        int[] order = {2, 0, 1};
        for (int k = 0; k < 3; k++) {
            TaskMachine.Settled s = TaskMachine.acceptJob(t, order[k], 999, P);
            assertThat(s.share()).isEqualTo(BigInteger.valueOf(k < 2 ? 334 : 335));
            assertThat(s.split().total()).isEqualTo(s.share());
            paid = paid.add(s.share());
            t = s.task();
            assertThat(t.escrowLeft().add(paid)).isEqualTo(BigInteger.valueOf(1003));
            assertThat(t.status()).isEqualTo(k < 2 ? TaskStatus.IN_PROGRESS : TaskStatus.COMPLETED);
        }
        assertThat(t.escrowLeft()).isZero();
        assertThat(t.jobsDone()).isEqualTo(3);
        MarketTask done = t;
        assertThatThrownBy(() -> TaskMachine.acceptJob(done, 0, 999, P)).hasMessageContaining("is completed");
    }

    @Test
    void splitIsBasisPointsRoundedDownWithTheTreasuryTakingTheRest() {
        TaskMachine.Split s = TaskMachine.split(BigInteger.valueOf(335), P); // 80% / 10% / 10%
        assertThat(s.worker()).isEqualTo(BigInteger.valueOf(268));
        assertThat(s.poc()).isEqualTo(BigInteger.valueOf(33));
        assertThat(s.treasury()).isEqualTo(BigInteger.valueOf(34));
        TaskMachine.Split one = TaskMachine.split(BigInteger.ONE, P);
        assertThat(one).isEqualTo(new TaskMachine.Split(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ONE));
        NetworkParams odd = P.withMarket(3333, 3333, 3334, 100, 1024);
        for (long v = 0; v < 2000; v += 7) {
            assertThat(TaskMachine.split(BigInteger.valueOf(v), odd).total()).isEqualTo(BigInteger.valueOf(v));
        }
        assertThatThrownBy(() -> P.withMarket(8000, 1000, 999, 100, 1024)).hasMessageContaining("must be 10000");
    }

    @Test
    void cancelOnlyByTheCreatorWhilePending() throws TxRejected {
        MarketTask t = task(500, 2);
        assertThatThrownBy(() -> TaskMachine.cancel(t, "cpc1other")).hasMessageContaining("only the task's creator");
        TaskMachine.Closed c = TaskMachine.cancel(t, "cpc1creator");
        assertThat(c.refund()).isEqualTo(BigInteger.valueOf(500));
        assertThat(c.task().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(c.task().escrowLeft()).isZero();
        MarketTask started = TaskMachine.acceptJob(t, 1, 1000, P).task();
        assertThatThrownBy(() -> TaskMachine.cancel(started, "cpc1creator")).hasMessageContaining("is in_progress");
        assertThatThrownBy(() -> TaskMachine.cancel(c.task(), "cpc1creator")).hasMessageContaining("is cancelled");
    }

    @Test
    void deadlinesJobRangeAndExpiry() throws TxRejected {
        MarketTask t = task(500, 2);
        assertThatThrownBy(() -> TaskMachine.acceptJob(t, 2, 999, P)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> TaskMachine.acceptJob(t, -1, 999, P)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> TaskMachine.acceptJob(t, 0, 1001, P)).hasMessageContaining("passed its deadline");
        TaskMachine.acceptJob(t, 0, 1000, P); // the deadline second itself still counts
        assertThat(TaskMachine.expired(t, 1000)).isFalse();
        assertThat(TaskMachine.expired(t, 1001)).isTrue();
        MarketTask half = TaskMachine.acceptJob(t, 0, 1000, P).task();
        TaskMachine.Closed c = TaskMachine.expire(half, 1001);
        assertThat(c.refund()).isEqualTo(BigInteger.valueOf(250));
        assertThat(c.task().status()).isEqualTo(TaskStatus.FAILED);
        assertThat(TaskMachine.expired(c.task(), 5000)).isFalse();
        assertThatThrownBy(() -> TaskMachine.expire(t, 1000)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TaskMachine.checkDeadline(100, 100, 10)).hasMessageContaining("is not after");
        assertThatThrownBy(() -> TaskMachine.checkDeadline(111, 100, 10)).hasMessageContaining("max_task_lifetime_s");
        TaskMachine.checkDeadline(110, 100, 10);
    }

    @Test
    void recordsRoundTripThroughTheirStateEncoding() {
        MarketTask t = task(12345, 4);
        assertThat(MarketTask.decode(t.encode())).isEqualTo(t);
        JobRecord j = new JobRecord(ID, 3, "cpc1w", "11".repeat(32), "cpc1p", 9, "22".repeat(32), BigInteger.TEN,
                BigInteger.ONE, BigInteger.TWO);
        assertThat(JobRecord.decode(j.encode())).isEqualTo(j);
    }
}
