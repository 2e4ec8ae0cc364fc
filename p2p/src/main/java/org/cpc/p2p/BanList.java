package org.cpc.p2p;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Banned node ids and IPs with their expiry (monotonic ms). Bounded: when full, expired bans go first, then the one
 * that would expire soonest, so a flood of throwaway identities cannot grow it without limit.
 */
final class BanList {
    static final int MAX_ENTRIES = 10_000;

    private final Map<String, Long> ids = new HashMap<>();
    private final Map<InetAddress, Long> ips = new HashMap<>();

    /**
     * Bans the id, and the IP unless it is a loopback or wildcard address: several nodes on one machine (a devnet,
     * the tests) share 127.0.0.1, and banning it would cut off the honest ones too. {@code id} is null when the
     * peer broke the protocol before proving an id.
     *
     * @return whether the IP was banned
     */
    synchronized boolean ban(String id, InetAddress ip, long untilMs, long nowMs) {
        if (id != null) put(ids, id, untilMs, nowMs);
        if (ip == null || ip.isLoopbackAddress() || ip.isAnyLocalAddress()) return false;
        put(ips, ip, untilMs, nowMs);
        return true;
    }

    synchronized boolean isBanned(String id, long nowMs) {
        return active(ids, id, nowMs);
    }

    synchronized boolean isBanned(InetAddress ip, long nowMs) {
        return active(ips, ip, nowMs);
    }

    private static <K> boolean active(Map<K, Long> map, K key, long nowMs) {
        Long until = map.get(key);
        if (until == null) return false;
        if (until > nowMs) return true;
        map.remove(key);
        return false;
    }

    private static <K> void put(Map<K, Long> map, K key, long untilMs, long nowMs) {
        if (map.size() >= MAX_ENTRIES && !map.containsKey(key)) {
            map.values().removeIf(until -> until <= nowMs);
            if (map.size() >= MAX_ENTRIES) {
                K soonest = null;
                long min = Long.MAX_VALUE;
                for (Map.Entry<K, Long> e : map.entrySet()) {
                    if (e.getValue() < min) {
                        min = e.getValue();
                        soonest = e.getKey();
                    }
                }
                map.remove(soonest);
            }
        }
        map.merge(key, untilMs, Math::max);
    }
}
