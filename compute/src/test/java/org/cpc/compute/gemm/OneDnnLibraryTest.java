package org.cpc.compute.gemm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneDnnLibraryTest {
    @Test
    void aMissingLibraryGivesAReasonInsteadOfFailing() {
        assertThat(OneDnnLibrary.load("libdnnl-missing.so.9")).asString()
                .startsWith("libdnnl-missing.so.9 was not found (install oneDNN, e.g. apt-get install libdnnl2): ");
    }

    @Test
    void aLibraryWithoutTheGemmSymbolIsRejected() {
        assertThat(OneDnnLibrary.load("libc.so.6"))
                .isEqualTo("libc.so.6 has no dnnl_gemm_s8s8s32 symbol; oneDNN 1.0 or newer is needed");
    }
}
