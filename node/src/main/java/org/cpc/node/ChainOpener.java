package org.cpc.node;

import java.nio.file.Path;
import org.cpc.chain.Chain;
import org.cpc.chain.Genesis;

/** Opens (or creates from genesis) the chain stored in a database directory. */
@FunctionalInterface
public interface ChainOpener {
    Chain open(Path dbDir, Genesis genesis);
}
