package org.cpc.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.cpc.node.net.SyncWindow.Answer;
import org.cpc.node.net.SyncWindow.Ask;
import org.junit.jupiter.api.Test;

/** Block sync's window on its own: which ranges go to which peer, answers held and taken in order, failures. */
class SyncWindowTest {
    static final long TIMEOUT = 5_000, REST = 30_000;

    /** 4 ranges of 10 at most, 2 per peer, 1,000 bytes held at most. */
    static SyncWindow<Long> window() {
        return new SyncWindow<>(4, 2, 10, 1_000, TIMEOUT, REST);
    }

    static List<Long> blocks(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void rangesAreSpreadOverPeersLeastLoadedFirstAndRoundRobin() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 100);
        w.status("b", 1, 100);
        w.status("c", 1, 100);
        assertThat(w.poll(0, 1, 0).asks()).containsExactly(new Ask("a", 1, 10), new Ask("b", 11, 20),
                new Ask("c", 21, 30), new Ask("a", 31, 40));
        assertThat(w.openRanges()).isEqualTo(4);
        // the window is full: nothing more until a range is taken
        assertThat(w.poll(0, 1, 1).asks()).isEmpty();
        assertThat(w.answer("b", 11, blocks(11, 20), 100)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.take(0)).as("block 1 is not here yet").isEmpty();
        assertThat(w.answer("a", 1, blocks(1, 10), 100)).isEqualTo(Answer.ACCEPTED);
        var first = w.take(0).orElseThrow();
        assertThat(first.peer()).isEqualTo("a");
        assertThat(first.blocks()).isEqualTo(blocks(1, 10));
        var second = w.take(10).orElseThrow();
        assertThat(second.from()).isEqualTo(11);
        assertThat(w.heldBytes()).isZero();
        // two slots free: b and c have one range asked each, a one; the least recently asked of them goes first
        assertThat(w.poll(20, 1, 2).asks()).containsExactly(new Ask("b", 41, 50), new Ask("c", 51, 60));
    }

    @Test
    void onePeerIsAskedSeveralRangesUpToItsShare() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 1_000);
        assertThat(w.poll(0, 1, 0).asks()).containsExactly(new Ask("a", 1, 10), new Ask("a", 11, 20));
        assertThat(w.openRanges()).isEqualTo(4); // opened, the other two wait for a peer
        w.status("b", 1, 1_000);
        assertThat(w.poll(0, 1, 1).asks()).containsExactly(new Ask("b", 21, 30), new Ask("b", 31, 40));
    }

    @Test
    void nothingIsAskedWithinTheLagNorBeyondWhatPeersHave() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 6);
        assertThat(w.poll(5, 1, 0).asks()).isEmpty();
        w.status("a", 1, 25);
        assertThat(w.poll(5, 1, 0).asks()).containsExactly(new Ask("a", 6, 15), new Ask("a", 16, 25));
        assertThat(w.openRanges()).isEqualTo(2);
    }

    @Test
    void aRangeIsAskedOnlyOfAPeerThatHasAllOfItOrCutToWhatOneHas() {
        SyncWindow<Long> w = window();
        w.status("high", 1, 40);
        w.status("low", 1, 15);
        // low has not all of 11..20: high gets both of its share, low nothing
        assertThat(w.poll(0, 1, 0).asks()).containsExactly(new Ask("high", 1, 10), new Ask("high", 11, 20));
        w.status("low", 1, 25);
        // 21..30 is cut to what low has; 26..30 waits, opened as a range of its own
        assertThat(w.poll(0, 1, 1).asks()).containsExactly(new Ask("low", 21, 25));
        assertThat(w.openRanges()).isEqualTo(5);
        assertThat(w.answer("high", 1, blocks(1, 10), 10)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.poll(0, 1, 2).asks()).containsExactly(new Ask("high", 26, 30));
    }

    @Test
    void aShortAnswerKeepsWhatCameAndAsksTheRestAgain() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 10);
        w.status("b", 1, 10);
        assertThat(w.poll(0, 1, 0).asks()).containsExactly(new Ask("a", 1, 10));
        assertThat(w.answer("a", 1, blocks(1, 4), 40)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.heldBytes()).isEqualTo(40);
        assertThat(w.poll(0, 1, 1).asks()).containsExactly(new Ask("b", 5, 10));
        assertThat(w.take(0).orElseThrow().blocks()).isEqualTo(blocks(1, 4));
    }

    @Test
    void anEmptyAnswerLowersThePeersHeightAndTheRangeGoesElsewhere() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 10);
        w.poll(0, 1, 0);
        assertThat(w.answer("a", 0, List.of(), 10)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.bestHeight(0)).isZero();
        assertThat(w.poll(0, 1, 1).asks()).isEmpty();
        w.status("b", 1, 10);
        assertThat(w.poll(0, 1, 2).asks()).containsExactly(new Ask("b", 1, 10));
    }

    @Test
    void answersNotAskedForOrTooLongAreRefused() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 30);
        w.status("b", 1, 30);
        w.poll(0, 1, 0); // a: 1..10 and 21..30, b: 11..20
        assertThat(w.answer("b", 1, blocks(1, 10), 10)).isEqualTo(Answer.NOT_ASKED);
        assertThat(w.answer("a", 5, blocks(5, 10), 10)).isEqualTo(Answer.NOT_ASKED);
        assertThat(w.answer("c", 0, List.of(), 10)).isEqualTo(Answer.NOT_ASKED);
        assertThat(w.answer("a", 1, blocks(1, 11), 10)).isEqualTo(Answer.TOO_MANY);
        // a is dropped: its ranges go to b as b's share frees up
        assertThat(w.answer("a", 1, blocks(1, 10), 10)).isEqualTo(Answer.NOT_ASKED);
        assertThat(w.poll(0, 1, 1).asks()).containsExactly(new Ask("b", 1, 10));
        assertThat(w.answer("b", 1, blocks(1, 10), 10)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.answer("b", 1, blocks(1, 10), 10)).as("answered already").isEqualTo(Answer.NOT_ASKED);
    }

    @Test
    void aTimedOutAskGoesToAnotherPeerAndItsPeerRests() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 10);
        w.poll(0, 1, 0);
        w.status("b", 1, 10);
        var actions = w.poll(0, 1, TIMEOUT - 1);
        assertThat(actions.timedOut()).isEmpty();
        assertThat(actions.asks()).isEmpty();
        actions = w.poll(0, 1, TIMEOUT);
        assertThat(actions.timedOut()).containsExactly(new Ask("a", 1, 10));
        assertThat(actions.asks()).containsExactly(new Ask("b", 1, 10));
        // b times out too: with every peer resting, they are asked all the same (better than standing still)
        actions = w.poll(0, 1, 2 * TIMEOUT);
        assertThat(actions.timedOut()).containsExactly(new Ask("b", 1, 10));
        assertThat(actions.asks()).containsExactly(new Ask("a", 1, 10));
        // a late answer from b is not taken
        assertThat(w.answer("b", 1, blocks(1, 10), 10)).isEqualTo(Answer.NOT_ASKED);
        // a new peer that has the range: the resting ones are left alone
        w.status("c", 1, 10);
        actions = w.poll(0, 1, 3 * TIMEOUT);
        assertThat(actions.timedOut()).containsExactly(new Ask("a", 1, 10));
        assertThat(actions.asks()).containsExactly(new Ask("c", 1, 10));
    }

    @Test
    void aPeerThatAnsweredSinceTheAskIsNotTimedOut() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 30);
        assertThat(w.poll(0, 1, 0).asks()).containsExactly(new Ask("a", 1, 10), new Ask("a", 11, 20));
        // its first answer arrived (and waits in the queue) just before the deadline of the second ask
        w.heard("a", TIMEOUT - 1);
        assertThat(w.poll(0, 1, TIMEOUT).timedOut()).isEmpty();
        assertThat(w.answer("a", 1, blocks(1, 10), 10)).isEqualTo(Answer.ACCEPTED);
        // then nothing more: the second ask times out a timeout after that answer
        assertThat(w.poll(0, 1, 2 * TIMEOUT - 2).timedOut()).isEmpty();
        assertThat(w.poll(0, 1, 2 * TIMEOUT - 1).timedOut()).containsExactly(new Ask("a", 11, 20));
    }

    @Test
    void aGonePeersAsksGoElsewhereButWhatItAnsweredIsKept() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 40);
        w.status("b", 1, 40);
        w.poll(0, 1, 0); // a: 1..10, 21..30; b: 11..20, 31..40
        assertThat(w.answer("a", 1, blocks(1, 10), 10)).isEqualTo(Answer.ACCEPTED);
        w.gone("a");
        assertThat(w.poll(0, 1, 1).asks()).isEmpty(); // b has its share
        assertThat(w.answer("b", 11, blocks(11, 20), 10)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.poll(0, 1, 2).asks()).containsExactly(new Ask("b", 21, 30));
        assertThat(w.take(0).orElseThrow().peer()).isEqualTo("a");
    }

    @Test
    void aRangeThatFailsIsReopenedAndAskedOfAnother() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 10);
        w.status("b", 1, 10);
        w.poll(0, 1, 0);
        w.answer("a", 1, blocks(1, 10), 10);
        w.take(0).orElseThrow();
        // blocks 1..3 committed, 4 was bad: b is asked, though a is the less recently asked
        w.reopen(4, 10, "a");
        assertThat(w.poll(3, 1, 1).asks()).containsExactly(new Ask("b", 4, 10));
        // b fails it too: a, which failed it before b did, is now preferred to b
        assertThat(w.answer("b", 4, blocks(4, 10), 10)).isEqualTo(Answer.ACCEPTED);
        w.take(3).orElseThrow();
        w.reopen(4, 10, "b");
        assertThat(w.poll(3, 1, 2).asks()).containsExactly(new Ask("a", 4, 10));
        // with only the peer that failed it left, that one is asked again (a second bad answer bans it)
        assertThat(w.answer("a", 4, blocks(4, 10), 10)).isEqualTo(Answer.ACCEPTED);
        w.take(3).orElseThrow();
        w.reopen(4, 10, "a");
        w.gone("b");
        assertThat(w.poll(3, 1, 3).asks()).containsExactly(new Ask("a", 4, 10));
    }

    @Test
    void heldAnswersStopNewRangesAtTheByteLimit() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 1_000);
        w.status("b", 1, 1_000);
        w.poll(0, 1, 0); // a: 1..10, 21..30; b: 11..20, 31..40
        assertThat(w.answer("b", 11, blocks(11, 20), 1_000)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.answer("b", 31, blocks(31, 40), 10)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.heldBytes()).isEqualTo(1_010);
        assertThat(w.poll(0, 1, 1).asks()).isEmpty();
        assertThat(w.answer("a", 1, blocks(1, 10), 10)).isEqualTo(Answer.ACCEPTED);
        w.take(0);
        w.take(10);
        assertThat(w.heldBytes()).isEqualTo(10);
        // b has none asked, a one (21..30): b first, then a, asked longer ago than b now
        assertThat(w.poll(20, 1, 2).asks()).containsExactly(new Ask("b", 41, 50), new Ask("a", 51, 60));
    }

    @Test
    void rangesTheHeadPassedAreDropped() {
        SyncWindow<Long> w = window();
        w.status("a", 1, 20);
        w.poll(0, 1, 0);
        w.answer("a", 11, blocks(11, 20), 100);
        // consensus committed 1..15 meanwhile: 1..10 (asked) is dropped, 11..20 is ready from its middle
        var ready = w.take(15).orElseThrow();
        assertThat(ready.from()).isEqualTo(11);
        assertThat(w.openRanges()).isZero();
        assertThat(w.heldBytes()).isZero();
    }

    @Test
    void aPeerIsNotAskedForBlocksBelowTheLowestItKeeps() {
        SyncWindow<Long> w = window();
        w.status("archive", 1, 100);
        w.status("pruned", 25, 100);
        // 1..10, 11..20 and 21..30 start below what the pruned peer keeps: only the archive peer (two at a time)
        assertThat(w.poll(0, 1, 0).asks()).containsExactly(new Ask("archive", 1, 10), new Ask("archive", 11, 20),
                new Ask("pruned", 31, 40));
        assertThat(w.unservable(0, 1)).isEmpty();
        assertThat(w.answer("archive", 1, blocks(1, 10), 100)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.take(0)).isPresent();
        assertThat(w.answer("archive", 11, blocks(11, 20), 100)).isEqualTo(Answer.ACCEPTED);
        assertThat(w.take(10)).isPresent();
        // 21..30 waited for the archive peer; above 25 both may be asked, the less recently asked first
        assertThat(w.poll(20, 1, 1).asks()).containsExactly(new Ask("archive", 21, 30), new Ask("pruned", 41, 50),
                new Ask("archive", 51, 60));
    }

    @Test
    void whenNoPeerKeepsTheNextBlockTheWindowSaysFromWhereTheyDo() {
        SyncWindow<Long> w = window();
        w.status("p1", 500, 900);
        w.status("p2", 300, 900);
        assertThat(w.poll(0, 1, 0).asks()).isEmpty();
        assertThat(w.unservable(0, 1)).hasValue(300);
        // a peer that has the next block ends it
        w.status("archive", 1, 50);
        assertThat(w.unservable(0, 1)).isEmpty();
        assertThat(w.poll(0, 1, 1).asks()).containsExactly(new Ask("archive", 1, 10), new Ask("archive", 11, 20));
        // peers no further ahead than the lag: nothing to say
        SyncWindow<Long> level = window();
        level.status("p", 500, 1);
        assertThat(level.unservable(0, 1)).isEmpty();
    }
}
