/**
 * Exact int8 × int8 → int32 GEMM behind one interface, {@link org.cpc.compute.gemm.GemmBackend}: oneDNN through
 * FFM where {@code libdnnl.so.2} loads, the pure-Java Vector API path everywhere else, chosen by
 * {@link org.cpc.compute.gemm.Backends#select}. A verifier uses one thread per call and verifies results in
 * parallel; a worker gives its GEMM every core.
 */
package org.cpc.compute.gemm;
