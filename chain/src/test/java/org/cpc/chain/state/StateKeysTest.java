package org.cpc.chain.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every key space of the state in one registry, no two sharing a type byte: two features built in parallel once
 * chose the same bytes, which nothing but a reader of both diffs saw. A tree key is SHA-256(type ‖ id), so two spaces
 * on one byte that both key by task_id (as several do) would write each other's entries: a silent consensus bug.
 */
class StateKeysTest {
    @Test
    void noTwoKeySpacesShareATypeByte() throws IllegalAccessException {
        Map<Byte, String> seen = new TreeMap<>();
        int spaces = 0;
        for (Field f : StateKeys.class.getDeclaredFields()) {
            if (f.getType() != byte.class || !Modifier.isStatic(f.getModifiers())) continue;
            spaces++;
            byte b = f.getByte(null);
            String before = seen.putIfAbsent(b, f.getName());
            assertThat(before).as("key space 0x%02x is both %s and %s", b, before, f.getName()).isNull();
        }
        assertThat(spaces).as("key spaces found").isGreaterThan(20);
    }
}
