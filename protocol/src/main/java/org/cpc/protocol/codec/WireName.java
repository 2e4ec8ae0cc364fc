package org.cpc.protocol.codec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An enum whose constants have a fixed name on the wire (in JSON, state, key files, sign bytes). By default it is the
 * constant's name in lower case ({@code IN_PROGRESS} → {@code in_progress}); an enum whose wire names differ
 * overrides {@link #wire}. Renaming a constant therefore changes the format: the wire names are pinned by tests
 * ({@code WireNamesTest}) and by the vectors. The lookup from a wire name lives here, once.
 */
public interface WireName {
    /** The enum constant's Java name. */
    String name();

    /** The name on the wire. */
    default String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} named {@code s} on the wire; null when there is none. */
    static <E extends Enum<E> & WireName> E find(Class<E> type, String s) {
        for (E e : type.getEnumConstants()) if (e.wire().equals(s)) return e;
        return null;
    }

    /**
     * The constant of {@code type} named {@code s} on the wire, or an {@link IllegalArgumentException} saying
     * "unknown {@code what} 's'; one of a, b, c".
     */
    static <E extends Enum<E> & WireName> E of(Class<E> type, String s, String what) {
        E e = find(type, s);
        if (e == null) throw new IllegalArgumentException("unknown " + what + " '" + s + "'; one of " + names(type));
        return e;
    }

    /** Every wire name of {@code type}, in declaration order, comma-separated (for messages). */
    static <E extends Enum<E> & WireName> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireName::wire).collect(Collectors.joining(", "));
    }
}
