package org.cpc.chain.exec;

import java.util.List;

/**
 * The committed index of open market tasks by (deadline, task_id): derived from state (key space 0x05), stored
 * beside it, never hashed into the state root. Block execution reads it to fail expired tasks without scanning.
 */
public interface DeadlineIndex {
    /** Up to {@code limit} open tasks whose deadline is before {@code nowS}, in (deadline, task_id) order. */
    List<Entry> due(long nowS, int limit);

    /** An index entry: an open task and its deadline (unix seconds). */
    record Entry(long deadline, String taskId) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : java.util.Arrays.compareUnsigned(
                    taskId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    o.taskId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** An index change of a block: the entry is added ({@code present}) or removed. */
    record Write(Entry entry, boolean present) {}

    DeadlineIndex EMPTY = (nowS, limit) -> List.of();
}
