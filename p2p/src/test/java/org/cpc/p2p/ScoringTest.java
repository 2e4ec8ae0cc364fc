package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Decaying scores, token buckets, bans, backoff and the address book, driven with explicit clocks. */
class ScoringTest {

    @Test
    void scoresHalveEveryMinuteWithoutLosingTheRemainder() {
        DecayingScore s = new DecayingScore(0);
        assertThat(s.add(80, 0)).isEqualTo(80);
        assertThat(s.value(59_999)).isEqualTo(80);
        assertThat(s.value(60_000)).isEqualTo(40);
        // Reads every 30 s must not reset the clock: two of them make one half-life.
        assertThat(s.value(90_000)).isEqualTo(40);
        assertThat(s.value(120_000)).isEqualTo(20);
        assertThat(s.add(10, 120_000)).isEqualTo(30);
        assertThat(s.value(120_000 + 60_000 * 40)).isZero();
    }

    @Test
    void aTokenBucketAllowsABurstOfOneSecondThenTheRate() {
        TokenBucket b = new TokenBucket(100, 0);
        int taken = 0;
        while (b.tryTake(0)) taken++;
        assertThat(taken).isEqualTo(100);
        assertThat(b.tryTake(9_999_999)).isFalse(); // 0.99 of a token after 9.99 ms
        assertThat(b.tryTake(10_000_000)).isTrue(); // one token per 10 ms
        assertThat(b.tryTake(10_000_000)).isFalse();
        // A long pause refills only up to the burst.
        taken = 0;
        while (b.tryTake(1_000_000_000_000L)) taken++;
        assertThat(taken).isEqualTo(100);
    }

    @Test
    void bansExpireAndLoopbackIpsAreNeverBanned() throws Exception {
        BanList bans = new BanList();
        InetAddress remote = InetAddress.getByName("203.0.113.7");
        bans.ban("aa", remote, 1000, 0);
        bans.ban("bb", InetAddress.getLoopbackAddress(), 1000, 0);
        assertThat(bans.isBanned("aa", 999)).isTrue();
        assertThat(bans.isBanned(remote, 999)).isTrue();
        assertThat(bans.isBanned(InetAddress.getLoopbackAddress(), 0)).isFalse();
        assertThat(bans.isBanned("bb", 0)).isTrue();
        assertThat(bans.isBanned("aa", 1000)).isFalse();
        assertThat(bans.isBanned(remote, 1000)).isFalse();
    }

    @Test
    void theBanListIsBoundedDroppingTheSoonestToExpire() {
        BanList bans = new BanList();
        for (int i = 0; i < BanList.MAX_ENTRIES; i++) bans.ban("id" + i, null, 10_000 + i, 0);
        bans.ban("newest", null, 50_000, 0);
        assertThat(bans.isBanned("newest", 1)).isTrue();
        assertThat(bans.isBanned("id0", 1)).isFalse();
        assertThat(bans.isBanned("id1", 1)).isTrue();
    }

    @Test
    void backoffDoublesUpToThirtySeconds() {
        assertThat(Backoff.delayMs(0)).isEqualTo(250);
        assertThat(Backoff.delayMs(1)).isEqualTo(500);
        assertThat(Backoff.delayMs(6)).isEqualTo(16_000);
        assertThat(Backoff.delayMs(7)).isEqualTo(30_000);
        assertThat(Backoff.delayMs(1000)).isEqualTo(30_000);
    }

    @Test
    void theAddressBookIsBoundedBacksOffAndForgetsDeadAddresses() {
        AddressBook book = new AddressBook(3);
        PeerAddress a = new PeerAddress("10.0.0.1", 1);
        for (int i = 1; i <= 4; i++) book.add(new PeerAddress("10.0.0." + i, 1));
        assertThat(book.size()).isEqualTo(3);
        assertThat(book.due(0)).doesNotContain(a).hasSize(3); // the oldest went
        PeerAddress b = new PeerAddress("10.0.0.2", 1);
        book.failed(b, 0);
        assertThat(book.due(0)).doesNotContain(b);
        assertThat(book.due(Backoff.delayMs(1))).contains(b);
        for (int i = 1; i < AddressBook.MAX_FAILURES; i++) book.failed(b, 0);
        assertThat(book.size()).isEqualTo(2);
    }
}
