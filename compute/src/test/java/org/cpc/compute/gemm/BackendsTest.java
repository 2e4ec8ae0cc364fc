package org.cpc.compute.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void cpuIsOneDnnWhenItLoadsAndJavaOtherwise() {
        ComputeBackend cpu = Backends.select("cpu", 2);
        assertThat(cpu.kind()).isEqualTo("cpu");
        if (OneDnnGemm.isAvailable()) {
            assertThat(cpu.gemm()).isInstanceOf(OneDnnGemm.class);
            assertThat(cpu.description()).startsWith("cpu: oneDNN ").endsWith(", 2 threads");
        } else {
            assertThat(cpu.gemm()).isInstanceOf(JavaGemm.class);
            assertThat(cpu.description()).startsWith("cpu: pure Java Vector API").contains("oneDNN not used: ");
        }
        assertThat(Backends.select(" AUTO ", 1).gemm().name()).isEqualTo(cpu.gemm().name());
    }

    @Test
    void cudaSaysItIsNotInThisBuild() {
        assertThatThrownBy(() -> Backends.select("cuda", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the CUDA backend is not available in this build: ");
    }

    @Test
    void unknownNamesAndBadThreadCountsAreRejected() {
        assertThatThrownBy(() -> Backends.select("tpu", 1)).hasMessageContaining("use auto, cpu or cuda");
        assertThatThrownBy(() -> Backends.select("cpu", 0)).hasMessageContaining("thread count 0 must be 1..");
    }
}
