package org.cpc.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class Bech32PropertiesTest {

    @Property(tries = 200)
    void roundTrips(@ForAll @Size(max = 40) byte[] data) {
        Bech32.Decoded d = Bech32.decode(Bech32.encode("cpc", data));
        assertThat(d.hrp()).isEqualTo("cpc");
        assertThat(d.data()).isEqualTo(data);
    }

    @Property(tries = 200)
    void addressRoundTrips(@ForAll @Size(20) byte[] keyHash) {
        assertThat(Address.decodeAccount(Bech32.encode("cpc", keyHash))).isEqualTo(keyHash);
        assertThat(Address.decodeValidator(Bech32.encode("cpcvalcons", keyHash))).isEqualTo(keyHash);
    }

    /** BCH guarantees detection of any single substitution in the data part, and of any in the prefix too. */
    @Property(tries = 20)
    void everySingleSubstitutionIsDetected(@ForAll @Size(20) byte[] keyHash) {
        String address = Bech32.encode("cpc", keyHash);
        for (int i = 4; i < address.length(); i++) {
            for (char c : Bech32.CHARSET.toCharArray()) {
                if (c == address.charAt(i)) continue;
                String changed = address.substring(0, i) + c + address.substring(i + 1);
                assertThatThrownBy(() -> Address.decodeAccount(changed)).isInstanceOf(AddressException.class);
            }
        }
    }
}
