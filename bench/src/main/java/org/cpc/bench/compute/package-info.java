/** Benchmarks that print figures ({@code cpc bench gemm}, verification rate); nothing here asserts a timing. */
package org.cpc.bench.compute;
