package org.cpc.protocol.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordsTest {
    private static Passwords.Prompt answers(String... typed) {
        var queue = new ArrayDeque<>(List.of(typed));
        return prompt -> queue.isEmpty() ? null : queue.poll().toCharArray();
    }

    @Test
    void environmentWins() {
        assertThat(Passwords.read("k", true, Map.of("CPC_PASSWORD", "pw")::get, answers("other"))).isEqualTo("pw".toCharArray());
        assertThatThrownBy(() -> Passwords.read("k", false, Map.of("CPC_PASSWORD", "")::get, null))
                .hasMessageContaining("CPC_PASSWORD is set but empty");
    }

    @Test
    void promptsAndConfirms() {
        assertThat(Passwords.read("k", false, Map.<String, String>of()::get, answers("pw"))).isEqualTo("pw".toCharArray());
        assertThat(Passwords.read("k", true, Map.<String, String>of()::get, answers("pw", "pw"))).isEqualTo("pw".toCharArray());
        assertThatThrownBy(() -> Passwords.read("k", true, Map.<String, String>of()::get, answers("pw", "pX")))
                .hasMessage("the two passwords for key 'k' do not match");
        assertThatThrownBy(() -> Passwords.read("k", false, Map.<String, String>of()::get, answers("")))
                .hasMessageContaining("empty password");
    }

    @Test
    void noTerminalSaysToSetTheVariable() {
        assertThatThrownBy(() -> Passwords.read("alice", false, Map.<String, String>of()::get, null))
                .isInstanceOf(KeyringException.class)
                .hasMessage("no terminal to ask for the password of key 'alice'; set the CPC_PASSWORD environment variable");
    }
}
