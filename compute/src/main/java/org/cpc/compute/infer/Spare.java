package org.cpc.compute.infer;

import java.lang.ref.SoftReference;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One object kept between uses so that the next use can write into it instead of allocating (a trace's arrays: tens
 * of MB that the JVM would otherwise zero). Softly held, so that memory pressure takes it back; {@link #take} hands
 * it to one caller only, so callers on several threads never share it.
 */
public final class Spare<T> {
    private final AtomicReference<SoftReference<T>> kept = new AtomicReference<>();

    /** The kept object, now the caller's alone, or null if none is kept (or the GC took it). */
    public T take() {
        SoftReference<T> ref = kept.getAndSet(null);
        return ref == null ? null : ref.get();
    }

    /** Keeps {@code t} for the next {@link #take}, in place of whatever was kept. */
    public void keep(T t) {
        kept.set(new SoftReference<>(t));
    }
}
