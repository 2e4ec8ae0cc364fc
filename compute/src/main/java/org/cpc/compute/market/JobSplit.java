package org.cpc.compute.market;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cpc.protocol.codec.Json;

/**
 * How a task's {@link #items} (matmul: rows of C; inference: samples) are cut into jobs: job i takes
 * {@link #perJob} of them from item {@code i · perJob}, the last job what is left.
 */
interface JobSplit {
    int items();

    int perJob();

    default int jobs() {
        return Math.ceilDiv(items(), perJob());
    }

    /** The first item of job {@code index}. */
    default int first(int index) {
        return index * perJob();
    }

    /** How many items job {@code index} takes. */
    default int count(int index) {
        return Math.min(items(), first(index) + perJob()) - first(index);
    }

    /** What job {@code index} is, for people and logs: {@code {"UNIT_start", "UNIT_end"}}, its items' range. */
    default ObjectNode describe(int index, String unit) {
        ObjectNode o = Json.object();
        o.put(unit + "_start", first(index));
        o.put(unit + "_end", first(index) + count(index));
        return o;
    }
}
