package org.cpc.protocol.keys;

/** The public facts about a stored key, readable without its password. */
public record KeyInfo(String name, KeyKind kind, String address, String publicKeyHex) {}
