package org.cpc.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.cpc.protocol.codec.Hex;
import org.junit.jupiter.api.Test;

class AddressTest {
    private static final String ALICE = "cpc1lxvp7agw998t68qm76ek6t20gh320yrs6jw5h9";

    @Test
    void protocolAddressVectors() {
        JsonNode cases = Vectors.load("cpc-protocol-v1.json").get("addresses");
        int n = 0;
        for (JsonNode tc : cases) {
            byte[] pub = Hex.decode(tc.get("pub_key").asText());
            String account = tc.get("cpc").asText();
            String validator = tc.get("cpcvalcons").asText();
            assertThat(Address.account(pub)).isEqualTo(account);
            assertThat(Address.validatorConsensus(pub)).isEqualTo(validator);
            assertThat(Address.decodeAccount(account)).isEqualTo(Address.keyHash(pub));
            assertThat(Address.decodeValidator(validator)).isEqualTo(Address.keyHash(pub));
            assertThat(Address.isAccount(account)).isTrue();
            assertThat(Address.isAccount(validator)).isFalse();
            n++;
        }
        assertThat(n).isEqualTo(cases.size()).isPositive();
    }

    @Test
    void bip173ReferenceStrings() {
        // Valid checksums from BIP-173's test vectors.
        for (String s : new String[] {"A12UEL5L", "a12uel5l",
                "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"}) {
            assertThat(Bech32.decode(s).hrp()).isEqualTo(s.substring(0, s.lastIndexOf('1')).toLowerCase(Locale.ROOT));
        }
        assertThat(Bech32.encode("cpc", Address.decodeAccount(ALICE))).isEqualTo(ALICE);
    }

    @Test
    void errorsSayWhatIsWrong() {
        String validator = "cpcvalcons1lxvp7agw998t68qm76ek6t20gh320yrssakkwx";
        String typo = ALICE.substring(0, 10) + (ALICE.charAt(10) == 'q' ? 'p' : 'q') + ALICE.substring(11);
        assertThatThrownBy(() -> Address.decodeAccount(typo))
                .isInstanceOf(AddressException.class).hasMessageContaining("bad checksum");
        assertThatThrownBy(() -> Address.decodeAccount(validator))
                .hasMessageContaining("wrong prefix: expected 'cpc', got 'cpcvalcons'");
        assertThatThrownBy(() -> Address.decodeValidator(ALICE))
                .hasMessageContaining("expected 'cpcvalcons', got 'cpc'");
        assertThatThrownBy(() -> Address.decodeAccount(Bech32.encode("cpc", new byte[19])))
                .hasMessageContaining("bad length");
        assertThatThrownBy(() -> Address.decodeAccount("cpc1LXvp7agw998t68qm76ek6t20gh320yrs6jw5h9"))
                .hasMessageContaining("mixes upper and lower case");
        assertThatThrownBy(() -> Address.decodeAccount(ALICE.toUpperCase(Locale.ROOT)))
                .hasMessageContaining("must be lowercase");
        assertThatThrownBy(() -> Address.decodeAccount("cpc1bxvp7agw998t68qm76ek6t20gh320yrs6jw5h9"))
                .hasMessageContaining("invalid character 'b' at position 4");
        assertThatThrownBy(() -> Address.decodeAccount("cpc1lxvp7agw998t68qm76ek6t20gh320yrs6jw5h\u00e9"))
                .hasMessageContaining("invalid character U+00E9 at position 41");
        assertThatThrownBy(() -> Address.decodeAccount("cpcqlxvp7agw998t68qm76ek6t20gh320yrs6jw5h9"))
                .hasMessageContaining("no '1' separator");
        assertThatThrownBy(() -> Address.decodeAccount("cpc1" + "q".repeat(87)))
                .hasMessageContaining("too long: 91 characters");
        assertThatThrownBy(() -> Address.decodeAccount("cpc1qqqq")).hasMessageContaining("too short");
        assertThatThrownBy(() -> Address.decodeAccount("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Address.decodeAccount(null)).isInstanceOf(AddressException.class);
        assertThatThrownBy(() -> Address.account(new byte[32])).hasMessageContaining("33 bytes");
    }
}
