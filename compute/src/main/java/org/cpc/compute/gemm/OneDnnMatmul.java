package org.cpc.compute.gemm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * oneDNN 2.x's matmul primitive (s8 · s8 → s32, plain row-major, no scales, no zero points) through FFM, one
 * primitive per shape, made on first use and kept. Unlike the BLAS-like {@code dnnl_gemm_s8s8s32}, the primitive
 * runs oneDNN's brgemm kernels, which use AMX tiles on CPUs that have them (Sapphire Rapids and later) and AVX-512
 * VNNI otherwise; the result is the exact int32 product either way.
 *
 * <p>The C API of oneDNN 2.x passes its descriptors as structs the caller allocates; they are sized here from the
 * 2.6 headers ({@code sizeof(dnnl_memory_desc_t)} = 696, {@code sizeof(dnnl_matmul_desc_t)} = 2800 on x86-64) with
 * room to spare, and filled only by the library's own init functions. oneDNN 3 replaced that API, so only major
 * version 2 is bound. Primitives are made with a caller-provided scratchpad, which makes one primitive safe to run
 * from several threads at once (each call brings its own scratchpad).
 */
final class OneDnnMatmul {
    private static final long MEMORY_DESC_BYTES = 1024;
    private static final long MATMUL_DESC_BYTES = 4096;
    private static final int ENGINE_CPU = 1;
    private static final int STREAM_DEFAULT_FLAGS = 1;
    private static final int SCRATCHPAD_USER = 1;
    private static final int S32 = 4;
    private static final int S8 = 5;
    private static final int TAG_AB = 3;
    private static final int QUERY_IMPL_INFO = 8;
    private static final int QUERY_SCRATCHPAD_MD = 136;
    private static final int ARG_SRC = 1;
    private static final int ARG_DST = 17;
    private static final int ARG_WEIGHTS = 33;
    private static final int ARG_SCRATCHPAD = 80;
    /** Shapes whose primitives are kept; calls with more shapes than this make and free a primitive each time. */
    static final int MAX_CACHED_SHAPES = 256;

    private record ShapeKey(int m, int k, int n) {}

    /** A made primitive, its memory descriptors and the scratchpad bytes one execution needs. */
    record Primitive(MemorySegment primitive, MemorySegment src, MemorySegment weights, MemorySegment dst,
            MemorySegment scratchpad, long scratchpadBytes, String implementation, boolean kept) {}

    private final MethodHandle streamCreate;
    private final MethodHandle streamWait;
    private final MethodHandle streamDestroy;
    private final MethodHandle memoryCreate;
    private final MethodHandle memoryDestroy;
    private final MethodHandle execute;
    private final MethodHandle memoryDescInit;
    private final MethodHandle matmulDescInit;
    private final MethodHandle attrCreate;
    private final MethodHandle attrScratchpadMode;
    private final MethodHandle attrDestroy;
    private final MethodHandle primitiveDescCreate;
    private final MethodHandle primitiveDescQuery;
    private final MethodHandle primitiveDescQueryMd;
    private final MethodHandle primitiveDescDestroy;
    private final MethodHandle memoryDescSize;
    private final MethodHandle primitiveCreate;
    private final MethodHandle primitiveDestroy;
    private final MemorySegment engine;
    private final ConcurrentHashMap<ShapeKey, Primitive> cache = new ConcurrentHashMap<>();

    private OneDnnMatmul(Linker linker, SymbolLookup lib) throws Throwable {
        streamCreate = bind(linker, lib, "dnnl_stream_create", ADDRESS, ADDRESS, JAVA_INT);
        streamWait = bind(linker, lib, "dnnl_stream_wait", ADDRESS);
        streamDestroy = bind(linker, lib, "dnnl_stream_destroy", ADDRESS);
        memoryCreate = bind(linker, lib, "dnnl_memory_create", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        memoryDestroy = bind(linker, lib, "dnnl_memory_destroy", ADDRESS);
        execute = bind(linker, lib, "dnnl_primitive_execute", ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        memoryDescInit = bind(linker, lib, "dnnl_memory_desc_init_by_tag", ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT);
        matmulDescInit = bind(linker, lib, "dnnl_matmul_desc_init", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        attrCreate = bind(linker, lib, "dnnl_primitive_attr_create", ADDRESS);
        attrScratchpadMode = bind(linker, lib, "dnnl_primitive_attr_set_scratchpad_mode", ADDRESS, JAVA_INT);
        attrDestroy = bind(linker, lib, "dnnl_primitive_attr_destroy", ADDRESS);
        primitiveDescCreate = bind(linker, lib, "dnnl_primitive_desc_create", ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS);
        primitiveDescQuery = bind(linker, lib, "dnnl_primitive_desc_query", ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
        primitiveDescQueryMd = linker.downcallHandle(symbol(lib, "dnnl_primitive_desc_query_md"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
        primitiveDescDestroy = bind(linker, lib, "dnnl_primitive_desc_destroy", ADDRESS);
        memoryDescSize = linker.downcallHandle(symbol(lib, "dnnl_memory_desc_get_size"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        primitiveCreate = bind(linker, lib, "dnnl_primitive_create", ADDRESS, ADDRESS);
        primitiveDestroy = bind(linker, lib, "dnnl_primitive_destroy", ADDRESS);
        MethodHandle engineCreate = bind(linker, lib, "dnnl_engine_create", ADDRESS, JAVA_INT, JAVA_LONG);
        MemorySegment out = Arena.global().allocate(ADDRESS);
        check((int) engineCreate.invokeExact(out, ENGINE_CPU, 0L), "dnnl_engine_create");
        engine = out.get(ADDRESS, 0);
    }

    /** The matmul API of a oneDNN 2.x library, or why it cannot be used. */
    static Object load(Linker linker, SymbolLookup lib, String version) {
        if (!version.startsWith("2.")) return "oneDNN " + version + " is not 2.x, whose matmul C API is bound here";
        try {
            return new OneDnnMatmul(linker, lib);
        } catch (Throwable t) {
            return "oneDNN's matmul primitive could not be bound: " + t.getMessage();
        }
    }

    /**
     * The kept primitive for m×k · k×n, made now if new; null when oneDNN has no matmul for it (the caller then
     * uses the BLAS-like GEMM). Past {@link #MAX_CACHED_SHAPES} shapes, a primitive made here is the caller's to
     * {@link #release}.
     */
    Primitive primitive(int m, int k, int n) {
        ShapeKey key = new ShapeKey(m, k, n);
        Primitive kept = cache.get(key);
        if (kept != null) return kept;
        if (cache.size() >= MAX_CACHED_SHAPES) return make(m, k, n, Arena.ofAuto(), false);
        return cache.computeIfAbsent(key, s -> make(m, k, n, Arena.global(), true));
    }

    /** Frees a primitive that {@link #primitive} made beyond the cache; kept ones stay. */
    void release(Primitive p) {
        if (p.kept()) return;
        try {
            check((int) primitiveDestroy.invokeExact(p.primitive()), "dnnl_primitive_destroy");
        } catch (Throwable t) {
            throw failed("dnnl_primitive_destroy", t);
        }
    }

    /**
     * C = A·B on native segments, on the calling thread's OpenMP threads; {@code scratchpad} holds at least
     * {@link Primitive#scratchpadBytes()} native bytes.
     */
    void run(Primitive p, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment scratchpad) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            check((int) streamCreate.invokeExact(handle, engine, STREAM_DEFAULT_FLAGS), "dnnl_stream_create");
            MemorySegment stream = handle.get(ADDRESS, 0);
            MemorySegment args = arena.allocate(16L * 4);
            int nargs = 0;
            try {
                nargs = arg(args, nargs, ARG_SRC, memory(arena, p.src(), a));
                nargs = arg(args, nargs, ARG_WEIGHTS, memory(arena, p.weights(), b));
                nargs = arg(args, nargs, ARG_DST, memory(arena, p.dst(), c));
                if (p.scratchpadBytes() > 0) {
                    nargs = arg(args, nargs, ARG_SCRATCHPAD, memory(arena, p.scratchpad(), scratchpad));
                }
                check((int) execute.invokeExact(p.primitive(), stream, nargs, args), "dnnl_primitive_execute");
                check((int) streamWait.invokeExact(stream), "dnnl_stream_wait");
            } finally {
                for (int i = 0; i < nargs; i++) {
                    check((int) memoryDestroy.invokeExact(args.get(ADDRESS, 16L * i + 8)), "dnnl_memory_destroy");
                }
                check((int) streamDestroy.invokeExact(stream), "dnnl_stream_destroy");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw failed("the matmul primitive", t);
        }
    }

    private MemorySegment memory(Arena arena, MemorySegment desc, MemorySegment data) throws Throwable {
        MemorySegment out = arena.allocate(ADDRESS);
        check((int) memoryCreate.invokeExact(out, desc, engine, data), "dnnl_memory_create");
        return out.get(ADDRESS, 0);
    }

    /** dnnl_exec_arg_t is {int arg; dnnl_memory_t memory;}: 16 bytes with the pointer at 8. */
    private static int arg(MemorySegment args, int index, int kind, MemorySegment memory) {
        args.set(JAVA_INT, 16L * index, kind);
        args.set(ADDRESS, 16L * index + 8, memory);
        return index + 1;
    }

    private Primitive make(int m, int k, int n, Arena arena, boolean kept) {
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment src = desc(arena, m, k, S8);
            MemorySegment weights = desc(arena, k, n, S8);
            MemorySegment dst = desc(arena, m, n, S32);
            MemorySegment op = temp.allocate(MATMUL_DESC_BYTES, 8);
            check((int) matmulDescInit.invokeExact(op, src, weights, MemorySegment.NULL, dst), "dnnl_matmul_desc_init");
            MemorySegment handle = temp.allocate(ADDRESS);
            check((int) attrCreate.invokeExact(handle), "dnnl_primitive_attr_create");
            MemorySegment attr = handle.get(ADDRESS, 0);
            int status;
            try {
                check((int) attrScratchpadMode.invokeExact(attr, SCRATCHPAD_USER), "dnnl_primitive_attr_set_scratchpad_mode");
                status = (int) primitiveDescCreate.invokeExact(handle, op, attr, engine, MemorySegment.NULL);
            } finally {
                check((int) attrDestroy.invokeExact(attr), "dnnl_primitive_attr_destroy");
            }
            if (status != 0) return null;
            MemorySegment pd = handle.get(ADDRESS, 0);
            try {
                MemorySegment scratchMd = ((MemorySegment) primitiveDescQueryMd.invokeExact(pd, QUERY_SCRATCHPAD_MD, 0))
                        .reinterpret(MEMORY_DESC_BYTES);
                long scratchBytes = (long) memoryDescSize.invokeExact(scratchMd);
                MemorySegment scratch = arena.allocate(MEMORY_DESC_BYTES, 8).copyFrom(scratchMd);
                MemorySegment info = temp.allocate(ADDRESS);
                check((int) primitiveDescQuery.invokeExact(pd, QUERY_IMPL_INFO, 0, info), "dnnl_primitive_desc_query");
                String impl = info.get(ADDRESS, 0).reinterpret(256).getString(0);
                check((int) primitiveCreate.invokeExact(handle, pd), "dnnl_primitive_create");
                return new Primitive(handle.get(ADDRESS, 0), src, weights, dst, scratch, scratchBytes, impl, kept);
            } finally {
                check((int) primitiveDescDestroy.invokeExact(pd), "dnnl_primitive_desc_destroy");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw failed("making the matmul primitive for " + m + "×" + k + "·" + k + "×" + n, t);
        }
    }

    private MemorySegment desc(Arena arena, long rows, long columns, int type) throws Throwable {
        MemorySegment md = arena.allocate(MEMORY_DESC_BYTES, 8);
        MemorySegment dims = arena.allocate(JAVA_LONG, 2);
        dims.set(JAVA_LONG, 0, rows);
        dims.set(JAVA_LONG, 8, columns);
        check((int) memoryDescInit.invokeExact(md, 2, dims, type, TAG_AB), "dnnl_memory_desc_init_by_tag");
        return md;
    }

    private static void check(int status, String call) {
        if (status != 0) throw new IllegalStateException("oneDNN's " + call + " returned " + OneDnnGemm.statusName(status));
    }

    private static IllegalStateException failed(String what, Throwable t) {
        return new IllegalStateException("calling oneDNN for " + what + " failed: " + t, t);
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name,
            java.lang.foreign.MemoryLayout... args) {
        return linker.downcallHandle(symbol(lib, name), FunctionDescriptor.of(JAVA_INT, args));
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
    }

}
