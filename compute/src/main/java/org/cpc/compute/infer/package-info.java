/**
 * Exact int8 neural-network inference (docs/protocol.md, "Inference models"): quantized ONNX models imported onto
 * a small integer op set, run bit-identically on every GEMM backend, and checked layer by layer.
 *
 * <ul>
 *   <li>{@link org.cpc.compute.infer.OnnxImporter}: ONNX file → {@link org.cpc.compute.infer.IntModel}, through a
 *       bounded protobuf reader ({@code ProtoReader}, {@code OnnxProto}); refuses what it cannot map, naming the node.</li>
 *   <li>{@link org.cpc.compute.infer.Op} (Conv, Dense, MaxPool, Flatten), {@link org.cpc.compute.infer.IntLinear}
 *       (the linear rule), {@link org.cpc.compute.infer.Requant} (float scale → integer multiplier and shift, once).</li>
 *   <li>{@link org.cpc.compute.infer.InferenceExecutor} → {@link org.cpc.compute.infer.Trace}: every layer's
 *       accumulators and outputs; {@link org.cpc.compute.infer.TraceVerifier}: Freivalds per product, the rest
 *       recomputed.</li>
 * </ul>
 *
 * <p>No floating point after import: the only float arithmetic is {@link org.cpc.compute.infer.Requant#realMultiplier}
 * and the bit decomposition in {@link org.cpc.compute.infer.Requant#of}, both specified exactly.
 */
package org.cpc.compute.infer;
