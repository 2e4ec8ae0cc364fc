package org.cpc.poc.core;

import java.util.Set;

/**
 * What one retention pass removed from the records ({@code tasks}, and the {@code records} deleted with them), and
 * what its blob pass must keep: the inputs of live tasks and every hash a kept job or task refers to.
 *
 * @param disputable the tasks with results on L1 that can still be disputed (live, or ended and within their dispute
 *     window): the ones whose disputes the PoC validator watches
 */
public record Expired(int tasks, int records, Set<String> openInputs, Set<String> referenced, Set<String> disputable) {}
