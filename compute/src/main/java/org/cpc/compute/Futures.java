package org.cpc.compute;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting on work handed to other threads, with one rule for interrupts and failures. */
public final class Futures {
    private Futures() {}

    /**
     * The result of {@code f}. The caller's interrupt is kept (and reported as an {@link IllegalStateException}); a
     * {@link RuntimeException} thrown by the work is rethrown as it is, anything else wrapped. {@code thread} names
     * the work in messages, e.g. "a GEMM thread".
     */
    public static <T> T await(Future<T> f, String thread) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + thread, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(thread + " failed: " + e.getCause(), e.getCause());
        }
    }
}
