package org.cpc.protocol.keys;

/**
 * Argon2id cost settings. New keys get {@link #DEFAULT}; each file records the settings it was made with, so
 * changing the default never locks out an existing key.
 */
public record Argon2Params(int memoryKiB, int iterations, int parallelism) {
    /** 64 MiB, 3 passes, 1 lane: RFC 9106's second recommended option, a fraction of a second per unlock. */
    public static final Argon2Params DEFAULT = new Argon2Params(64 * 1024, 3, 1);

    /** Limits on what a file may ask for, so a crafted file cannot make an unlock take gigabytes or hours. */
    static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 16;

    public Argon2Params {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2 parallelism must be 1.." + MAX_PARALLELISM + ", got " + parallelism);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2 iterations must be 1.." + MAX_ITERATIONS + ", got " + iterations);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2 memory must be " + (8 * parallelism) + ".." + MAX_MEMORY_KIB
                    + " KiB, got " + memoryKiB);
        }
    }
}
