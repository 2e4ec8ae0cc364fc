package org.cpc.chain.exec;

/** Committed state as the executor reads it: the value under a tree key of a key space, or null. */
public interface StateReader {
    byte[] get(byte type, byte[] treeKey);
}
