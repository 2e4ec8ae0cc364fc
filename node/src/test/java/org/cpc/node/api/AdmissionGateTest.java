package org.cpc.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionGateTest {
    @Test
    void noMoreAdmissionsRunAtOnceThanPermitsAndTheOthersGoOnAfterwards() throws Exception {
        AdmissionGate gate = new AdmissionGate(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoInside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            threads.add(Thread.ofPlatform().start(() -> gate.admit(() -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                twoInside.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inside.decrementAndGet();
                return done.incrementAndGet();
            })));
        }
        assertThat(twoInside.await(60, TimeUnit.SECONDS)).isTrue();
        // Two hold the permits and wait for the release; the other four are parked at the gate.
        assertThat(inside.get()).isEqualTo(2);
        release.countDown();
        for (Thread t : threads) t.join(60_000);
        assertThat(done.get()).isEqualTo(6);
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void aFailedAdmissionGivesItsPermitBack() {
        AdmissionGate gate = new AdmissionGate(1);
        assertThatThrownBy(() -> gate.admit(() -> { throw new IllegalStateException("refused"); }))
                .hasMessage("refused");
        assertThat(gate.admit(() -> "next")).isEqualTo("next");
    }

    @Test
    void aGateWithoutPermitsIsRefused() {
        assertThatThrownBy(() -> new AdmissionGate(0)).hasMessageContaining("at least 1");
    }
}
