package org.cpc.poc.core;

import java.util.Set;

/**
 * What one retention pass removed from the records ({@code tasks}, and the {@code records} deleted with them), and
 * what its blob pass must keep: the inputs of live tasks and every hash a kept job or task refers to.
 */
public record Expired(int tasks, int records, Set<String> openInputs, Set<String> referenced) {}
