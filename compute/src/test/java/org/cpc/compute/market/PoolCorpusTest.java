package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed fuzz seed corpus (fuzz/pool, see its README): every sample decodes or is refused as its name says. */
class PoolCorpusTest {
    static final int MAX_RESULT_BYTES = 1 << 20;

    static Stream<Path> samples() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus())) {
            files = s.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".bin")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(20);
        return files.stream();
    }

    private static Path corpus() throws URISyntaxException {
        return Path.of(PoolCorpusTest.class.getResource("/fuzz/pool").toURI());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decodesOrIsRefusedAsItsNameSays(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        if (name.startsWith("ok-")) {
            assertThat(decode(name, bytes)).isNotNull();
        } else {
            assertThat(name).startsWith("bad-");
            assertThatThrownBy(() -> decode(name, bytes)).isInstanceOf(PoolProtocolException.class);
        }
    }

    private static PoolMessage decode(String name, byte[] bytes) throws PoolProtocolException {
        return name.endsWith(".bin") ? PoolCodec.decode(ByteBuffer.wrap(bytes), MAX_RESULT_BYTES)
                : PoolCodec.decode(new String(bytes, StandardCharsets.UTF_8));
    }
}
