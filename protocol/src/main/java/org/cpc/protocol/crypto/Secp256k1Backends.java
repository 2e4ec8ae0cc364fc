package org.cpc.protocol.crypto;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the native implementation once, if it can, and chooses the default one. */
final class Secp256k1Backends {
    static final String PROPERTY = "cpc.secp256k1";
    private static final Logger LOG = LoggerFactory.getLogger(Secp256k1Backends.class);

    static final Secp256k1 JAVA = new BouncyCastleSecp256k1();
    static final Optional<Secp256k1> NATIVE = loadNative();
    static final Secp256k1 DEFAULT = choose(System.getProperty(PROPERTY), NATIVE);

    private Secp256k1Backends() {}

    static Secp256k1 choose(String property, Optional<Secp256k1> nativeLib) {
        Secp256k1 chosen;
        if ("java".equals(property)) {
            chosen = JAVA;
        } else {
            if (property != null && !property.isEmpty() && !"auto".equals(property)) {
                LOG.warn("ignoring unknown {}={} (use 'java' to force the pure-Java implementation)", PROPERTY, property);
            }
            chosen = nativeLib.orElse(JAVA);
        }
        LOG.debug("secp256k1 backend: {}", chosen.backend());
        return chosen;
    }

    /** Any failure (missing platform library, JNI link error) means "no native"; it is never fatal. */
    private static Optional<Secp256k1> loadNative() {
        try {
            LibSecp256k1 lib = new LibSecp256k1(fr.acinq.secp256k1.Secp256k1.get());
            lib.selfTest();
            return Optional.of(lib);
        } catch (Throwable t) {
            LOG.debug("native libsecp256k1 unavailable, using pure Java: {}", t.toString());
            return Optional.empty();
        }
    }
}
