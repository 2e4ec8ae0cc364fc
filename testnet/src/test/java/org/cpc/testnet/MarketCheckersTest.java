package org.cpc.testnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The market checkers pass a consistent history and each fails the history that breaks what it checks. */
class MarketCheckersTest {
    static final String CUSTOMER = "cpc1customer";
    static final String W1 = "cpc1worker1";
    static final String W2 = "cpc1worker2";
    static final BigInteger REWARD = BigInteger.valueOf(1_000);
    static final BigInteger FEE = BigInteger.valueOf(21);

    /** 4 jobs of 250: 200 to the worker, 40 to the PoC validator, 10 to the treasury. */
    static History.JobPaid job(int index, String worker) {
        return new History.JobPaid(index, worker, BigInteger.valueOf(200), BigInteger.valueOf(40), BigInteger.TEN);
    }

    /**
     * Task a completed by both workers, task b failed at its deadline after one job (750 wei refunded), task c sent
     * while the market was down and never taken by L1.
     */
    static History consistent(List<History.JobPaid> aJobs, String bStatus, BigInteger customerEnd) {
        History h = new History();
        h.add(new History.TaskCreated(1, "a", "txa", 0, REWARD, 100, true, null));
        h.add(new History.TaskCreated(2, "b", "txb", 1, REWARD, 100, true, null));
        h.add(new History.TaskCreated(3, "c", "txc", 2, REWARD, 100, false, "cannot connect"));
        h.add(new History.TaskEnded(10, "a", "completed", "completed", REWARD, BigInteger.ZERO, 4, aJobs));
        h.add(new History.TaskEnded(11, "b", bStatus, bStatus, REWARD,
                bStatus.equals("failed") ? BigInteger.ZERO : BigInteger.valueOf(750), 4, List.of(job(0, W2))));
        h.add(new History.TaskEnded(12, "c", History.TaskEnded.ABSENT, "", REWARD, BigInteger.ZERO, 0, List.of()));
        BigInteger start = BigInteger.valueOf(100_000);
        h.add(new History.MarketLedger(13, CUSTOMER, start, customerEnd, Map.of("txa", FEE, "txb", FEE),
                Map.of(W1, BigInteger.valueOf(400), W2, BigInteger.valueOf(600)), BigInteger.valueOf(5_000),
                Map.of("bonded", BigInteger.valueOf(3_000), "liquid", BigInteger.valueOf(2_000),
                        "market_escrow", BigInteger.ZERO)));
        return h;
    }

    static final List<History.JobPaid> A_JOBS = List.of(job(0, W1), job(1, W1), job(2, W2), job(3, W2));
    /** start − 2 fees − 1,000 (task a) − 250 (task b's one job). */
    static final BigInteger END = BigInteger.valueOf(100_000 - 42 - 1_000 - 250);

    @Test
    void aConsistentHistoryPasses() {
        List<Checkers.Verdict> v = MarketCheckers.all(consistent(A_JOBS, "failed", END), 0);
        assertThat(v).allSatisfy(x -> assertThat(x.ok()).as(x.toString()).isTrue());
        assertThat(v.getFirst().summary()).contains("3 tasks sent (2 acknowledged");
    }

    @Test
    void aTaskLeftOpenFails() {
        Checkers.Verdict v = MarketCheckers.tasksEnded(consistent(A_JOBS, "in_progress", END), 0);
        assertThat(v.ok()).isFalse();
        assertThat(String.join("\n", v.evidence())).contains("left open").contains("task b: L1 in_progress");
    }

    @Test
    void anAcknowledgedTaskL1NeverTookFailsUnlessTheMarketSaysItFailed() {
        History h = consistent(A_JOBS, "failed", END);
        h.add(new History.TaskCreated(4, "d", "txd", 3, REWARD, 100, true, null));
        h.add(new History.TaskEnded(14, "d", History.TaskEnded.ABSENT, "publishing", REWARD, BigInteger.ZERO, 0, List.of()));
        assertThat(MarketCheckers.tasksEnded(h, 0).ok()).isFalse();
        h.add(new History.TaskEnded(15, "d", History.TaskEnded.ABSENT, "failed", REWARD, BigInteger.ZERO, 0, List.of()));
        assertThat(MarketCheckers.tasksEnded(h, 0).ok()).isTrue();
    }

    @Test
    void aJobPaidTwiceFails() {
        // Job 2 paid twice and job 3 never: W1 got one payout more than the honest run.
        List<History.JobPaid> twice = List.of(job(0, W1), job(1, W1), job(2, W2), job(2, W1));
        Checkers.Verdict v = MarketCheckers.jobsPaidOnce(consistent(twice, "failed", END), 0);
        assertThat(v.ok()).isFalse();
        assertThat(String.join("\n", v.evidence())).contains("job 2 paid twice").contains("worker " + W1 + " holds 400");
    }

    @Test
    void aWeiMissingFromTheCustomerFails() {
        Checkers.Verdict v = MarketCheckers.escrow(consistent(A_JOBS, "failed", END.subtract(BigInteger.ONE)), 0);
        assertThat(v.ok()).isFalse();
        assertThat(String.join("\n", v.evidence())).contains("the customer spent 1293 wei");
    }

    @Test
    void supplyBucketsThatDoNotSumFail() {
        History h = consistent(A_JOBS, "failed", END);
        h.add(new History.MarketLedger(20, CUSTOMER, BigInteger.valueOf(100_000), END, Map.of("txa", FEE, "txb", FEE),
                Map.of(), BigInteger.valueOf(5_000), Map.of("bonded", BigInteger.valueOf(3_000),
                        "liquid", BigInteger.valueOf(1_999))));
        assertThat(String.join("\n", MarketCheckers.escrow(h, 0).evidence())).contains("supply buckets sum to 4999");
    }
}
