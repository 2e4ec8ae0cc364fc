package org.cpc.chain.exec;

/** One state entry a block changes: key space, 256-bit tree key, new value (null = removed). */
public record StateWrite(byte type, byte[] treeKey, byte[] value) {}
