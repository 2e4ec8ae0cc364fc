package org.cpc.protocol.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a record as a JSON object, one key a component, in declaration order: the key is the component's name in
 * snake_case ({@code createdHeight} → {@code created_height}); a {@code String} is a string, an {@code int},
 * {@code long} or {@code boolean} a number or boolean, a {@link BigInteger} a decimal string (wei exceed a double),
 * a {@code byte[]} lowercase hex, a {@link WireName} enum its wire name, a {@link JsonNode} itself, a nested record
 * an object, a list an array.
 * Any other type is refused when the writer is made, so a field whose JSON form differs is written by hand.
 *
 * <p>A null string, boxed number or JSON node is written as {@code null} (as Jackson's {@code put} does); any
 * other null component is an error unless the class says otherwise, per component: {@link #nullAsJsonNull} writes
 * {@code null}, {@link #omitNull} leaves the key out. {@link #inline} writes a record component's keys into the
 * same object (the network parameters are one flat object). Reading stays explicit per class, through
 * {@link JsonFields}: each reader states its own bounds.
 *
 * <p>Many of these objects are consensus encodings (state values, hashed headers): what this writes is exactly what
 * the hand-written {@code o.put(...)} lines wrote, and the vector tests hold it so.
 */
public final class RecordJson<R extends Record> {
    private enum Nulls { REFUSE, WRITE_NULL, OMIT }

    private record Field(String component, String key, Class<?> type, MethodHandle get, Nulls nulls, boolean inline) {
        Field with(Nulls n) {
            return new Field(component, key, type, get, n, inline);
        }
    }

    private static final ClassValue<RecordJson<?>> PLAIN = new ClassValue<>() {
        @Override
        protected RecordJson<?> computeValue(Class<?> type) {
            return new RecordJson<>(type.asSubclass(Record.class));
        }
    };

    private final Class<R> type;
    private final List<Field> fields;

    private RecordJson(Class<R> type, List<Field> fields) {
        this.type = type;
        this.fields = fields;
    }

    private RecordJson(Class<R> type) {
        this(type, Arrays.stream(type.getRecordComponents()).map(RecordJson::field).toList());
    }

    /** The writer of {@code type}: every component written, nulls as the class comment says. */
    @SuppressWarnings("unchecked")
    public static <R extends Record> RecordJson<R> of(Class<R> type) {
        return (RecordJson<R>) PLAIN.get(type);
    }

    /** {@code r} as a new JSON object, through the writer of its class: every component written. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ObjectNode toJson(Record r) {
        return ((RecordJson) of(r.getClass())).write(r);
    }

    /** The same writer, writing JSON {@code null} for these components when they are null. */
    public RecordJson<R> nullAsJsonNull(String... components) {
        return with(Set.of(components), f -> f.with(Nulls.WRITE_NULL));
    }

    /** The same writer, leaving these components' keys out when they are null. */
    public RecordJson<R> omitNull(String... components) {
        return with(Set.of(components), f -> f.with(Nulls.OMIT));
    }

    /** The same writer, writing these record components' keys into the object itself instead of a nested one. */
    public RecordJson<R> inline(String... components) {
        return with(Set.of(components), f -> {
            if (!f.type.isRecord()) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + f.component + " is not a record");
            }
            return new Field(f.component, f.key, f.type, f.get, f.nulls, true);
        });
    }

    /** {@code r} as a new JSON object. */
    public ObjectNode write(R r) {
        ObjectNode o = Json.object();
        writeInto(o, r);
        return o;
    }

    /** Each of {@code rs} as an object, in order, in a new array. */
    public ArrayNode writeAll(List<? extends R> rs) {
        ArrayNode a = Json.NODES.arrayNode(rs.size());
        for (R r : rs) a.add(write(r));
        return a;
    }

    /** Adds {@code r}'s keys to {@code o}. */
    public void writeInto(ObjectNode o, R r) {
        for (Field f : fields) {
            Object v = get(f, r);
            if (v == null) {
                switch (f.nulls) {
                    case WRITE_NULL -> o.putNull(f.key);
                    case OMIT -> { }
                    case REFUSE -> throw new NullPointerException(type.getSimpleName() + "." + f.component
                            + " is null");
                }
            } else if (f.inline) {
                writeNested(o, (Record) v);
            } else {
                o.set(f.key, node(v));
            }
        }
    }

    private Object get(Field f, R r) {
        try {
            return f.get.invokeExact((Record) r);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void writeNested(ObjectNode o, Record r) {
        ((RecordJson) of(r.getClass())).writeInto(o, r);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static JsonNode node(Object v) {
        return switch (v) {
            case String s -> Json.NODES.textNode(s);
            case Integer i -> Json.NODES.numberNode(i);
            case Long l -> Json.NODES.numberNode(l);
            case Boolean b -> Json.NODES.booleanNode(b);
            case BigInteger b -> Json.NODES.textNode(b.toString());
            case byte[] b -> Json.NODES.textNode(Hex.encode(b));
            case WireName w -> Json.NODES.textNode(w.wire());
            case JsonNode n -> n;
            case Record r -> toJson(r);
            case List<?> list -> {
                ArrayNode a = Json.NODES.arrayNode(list.size());
                for (Object e : list) a.add(node(e));
                yield a;
            }
            default -> throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        };
    }

    private static final Set<Class<?>> WRITABLE = Set.of(String.class, int.class, Integer.class, long.class,
            Long.class, boolean.class, Boolean.class, BigInteger.class, byte[].class, List.class);

    private static Field field(RecordComponent c) {
        Class<?> t = c.getType();
        boolean ok = WRITABLE.contains(t) || WireName.class.isAssignableFrom(t) || JsonNode.class.isAssignableFrom(t)
                || t.isRecord();
        if (!ok) {
            throw new IllegalArgumentException(c.getDeclaringRecord().getSimpleName() + "." + c.getName() + " is a "
                    + t.getSimpleName() + ", which has no JSON form here; write the record by hand");
        }
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            MethodHandle get = MethodHandles.lookup().unreflect(accessor)
                    .asType(MethodType.methodType(Object.class, Record.class));
            boolean nullable = t == String.class || t == Integer.class || t == Long.class || t == Boolean.class
                    || JsonNode.class.isAssignableFrom(t);
            Nulls nulls = nullable ? Nulls.WRITE_NULL : Nulls.REFUSE;
            return new Field(c.getName(), snake(c.getName()), t, get, nulls, false);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private RecordJson<R> with(Set<String> components, java.util.function.UnaryOperator<Field> change) {
        Set<String> missing = new HashSet<>(components);
        List<Field> changed = fields.stream().map(f -> missing.remove(f.component) ? change.apply(f) : f).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no component " + missing);
        }
        return new RecordJson<>(type, changed);
    }

    /** {@code createdHeight} → {@code created_height}. */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) b.append('_').append(Character.toLowerCase(ch));
            else b.append(ch);
        }
        return b.toString();
    }
}
