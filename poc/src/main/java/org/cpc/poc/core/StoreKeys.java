package org.cpc.poc.core;

/**
 * The PoC validator's keys in its store: {@code t/<task_id>} tasks, {@code j/<task_id>/<index, 6 digits>} jobs,
 * {@code w/<address>} worker records, {@code o/<sha256>} accepted job outputs up to
 * {@link PocMachine#INLINE_OUTPUT_BYTES} (larger ones are blob files), {@code x/<task_id>} what is left of a task
 * removed by retention (so that asking for it answers 410 Gone, not 404).
 */
public final class StoreKeys {
    public static final String TASKS = "t/";
    public static final String WORKERS = "w/";

    private StoreKeys() {}

    public static String task(String taskId) {
        return TASKS + taskId;
    }

    /** The prefix of a task's job keys. */
    public static String jobs(String taskId) {
        return "j/" + taskId + "/";
    }

    public static String job(String taskId, int index) {
        // Zero-padded to 6 digits so keys sort in job order; by hand, as String.format cost ~1 µs per job.
        String i = Integer.toString(index);
        return jobs(taskId) + "000000".substring(Math.min(6, i.length())) + i;
    }

    public static String output(String hash) {
        return "o/" + hash;
    }

    public static String expired(String taskId) {
        return "x/" + taskId;
    }

    public static String worker(String address) {
        return WORKERS + address;
    }
}
