package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.WrongPasswordException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @Test
    void isCreatedOnceEncryptedAndLoadedAgain(@TempDir Path dir) throws Exception {
        NodeIdentity first = NodeIdentity.loadOrCreate(dir, "pw".toCharArray());
        NodeIdentity again = NodeIdentity.loadOrCreate(dir, "pw".toCharArray());
        assertThat(again.nodeId()).isEqualTo(first.nodeId());
        String file = Files.readString(dir.resolve(NodeIdentity.KEY_NAME + ".json"), StandardCharsets.UTF_8);
        assertThat(file).contains("aes-256-gcm").contains(Hex.encode(first.publicKey()));
        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dir, "wrong".toCharArray()))
                .isInstanceOf(WrongPasswordException.class);
    }

    @Test
    void theIdIsTheFirst20BytesOfTheKeyHash() {
        NodeIdentity id = NodeIdentity.generate();
        assertThat(id.nodeId()).hasSize(40).matches("[0-9a-f]+")
                .isEqualTo(Hex.encode(Sha256.hash(id.publicKey())).substring(0, 40));
        assertThat(id.toString()).contains(id.nodeId());
        assertThat(NodeIdentity.generate().nodeId()).isNotEqualTo(id.nodeId());
    }
}
