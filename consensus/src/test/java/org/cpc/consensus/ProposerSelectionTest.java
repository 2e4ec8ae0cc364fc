package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProposerSelectionTest {
    static ValidatorSet equal(int n) {
        List<Validator> vals = new ArrayList<>();
        for (int i = 0; i < n; i++) vals.add(new Validator("v" + i, "", 7));
        return new ValidatorSet(vals);
    }

    static ValidatorSet weighted(long... powers) {
        List<Validator> vals = new ArrayList<>();
        for (int i = 0; i < powers.length; i++) vals.add(new Validator("v" + i, "", powers[i]));
        return new ValidatorSet(vals);
    }

    @Test
    void equalPowerIsRoundRobinOverHeightPlusRound() {
        for (int n = 1; n <= 7; n++) {
            ValidatorSets sets = ValidatorSets.fixed(equal(n));
            for (long h = 0; h < 300; h++) {
                ValidatorSet s = sets.forHeight(h);
                for (int r = 0; r < 12; r++) {
                    assertThat(s.proposer(r).address()).isEqualTo("v" + Math.floorMod(h + r, (long) n));
                }
            }
        }
    }

    @Test
    void weightedRoundRobinGivesEachItsShareInEveryWindow() {
        long[] powers = {1, 2, 3, 4};
        ValidatorSets sets = ValidatorSets.fixed(weighted(powers));
        StringBuilder seq = new StringBuilder();
        for (long start = 0; start < 50; start += 10) {
            int[] count = new int[4];
            for (long h = start; h < start + 10; h++) {
                int i = sets.forHeight(h).indexOf(sets.forHeight(h).proposer(0).address());
                count[i]++;
                if (h < 10) seq.append(i);
            }
            for (int i = 0; i < 4; i++) assertThat(count[i]).isEqualTo(powers[i]);
        }
        // Worked by hand: priorities +power each step, the highest (earliest on ties) proposes and pays the total.
        assertThat(seq.toString()).isEqualTo("3213023123");
    }

    @Test
    void roundRIsTheStepAfterRoundRMinusOne() {
        ValidatorSet s = weighted(5, 1, 9, 3, 3, 12);
        long[] p = s.priorities();
        long[] powers = {5, 1, 9, 3, 3, 12};
        for (int r = 0; r < 100; r++) {
            int chosen = ProposerSelection.step(p, powers, s.totalPower());
            assertThat(s.proposer(r)).isEqualTo(s.get(chosen));
        }
        // asked out of order, the same answers
        assertThat(s.proposer(7)).isEqualTo(weighted(5, 1, 9, 3, 3, 12).proposer(7));
    }

    @Test
    void aJoiningValidatorStartsBehindAndPrioritiesStayBoundedAndCentred() {
        SplittableRandom rnd = new SplittableRandom(11);
        List<Validator> pool = new ArrayList<>();
        for (int i = 0; i < 12; i++) pool.add(new Validator("v" + i, "", 1 + rnd.nextInt(1_000_000)));
        ValidatorSet s = new ValidatorSet(pool.subList(0, 4));
        for (int h = 0; h < 5_000; h++) {
            List<Validator> members = new ArrayList<>();
            for (Validator v : pool) if (rnd.nextInt(3) > 0) members.add(new Validator(v.address(), "", rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(1_000_000) : v.power()));
            if (members.isEmpty()) members.add(pool.getFirst());
            ValidatorSet next = s.next(members);
            long[] p = next.priorities();
            long sum = 0, min = Long.MAX_VALUE, max = Long.MIN_VALUE;
            for (long x : p) {
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            assertThat(sum).as("centred").isBetween(0L, (long) p.length - 1);
            assertThat(max - min).as("spread").isLessThanOrEqualTo(2 * next.totalPower());
            s = next;
        }
        // A newcomer to a stable set does not propose before everyone already there has.
        ValidatorSet base = equal(4);
        for (int i = 0; i < 9; i++) base = base.next(base.validators());
        List<Validator> withNew = new ArrayList<>(base.validators());
        withNew.add(new Validator("new", "", 7));
        ValidatorSet joined = base.next(withNew);
        List<String> order = new ArrayList<>();
        ValidatorSet cur = joined;
        for (int h = 0; h < 10; h++) {
            order.add(cur.proposer(0).address());
            cur = cur.next(cur.validators());
        }
        assertThat(order.subList(0, 4)).as("everyone else first").doesNotContain("new").doesNotHaveDuplicates();
        assertThat(order).contains("new");
    }

    @Test
    void theSetHashCoversAddressKeyAndPowerInOrder() {
        ValidatorSet a = weighted(3, 2);
        assertThat(a.hashHex()).isEqualTo(ValidatorSet.hashHex(a.validators())).hasSize(64);
        assertThat(weighted(3, 3).hashHex()).isNotEqualTo(a.hashHex());
        assertThat(new ValidatorSet(List.of(a.get(1), a.get(0))).hashHex()).isNotEqualTo(a.hashHex());
        // Known answer: SHA-256 of [{"address":"v0","power":3,"public_key":""},{"address":"v1","power":2,"public_key":""}]
        assertThat(a.hashHex()).isEqualTo(org.cpc.protocol.codec.Hex.encode(org.cpc.protocol.crypto.Sha256.hash(
                "[{\"address\":\"v0\",\"power\":3,\"public_key\":\"\"},{\"address\":\"v1\",\"power\":2,\"public_key\":\"\"}]"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void quorumThresholdsAreStrict() {
        ValidatorSet s = equal(4); // 4 × 7 = 28
        assertThat(s.isQuorum(21)).as("3 of 4").isTrue();
        assertThat(s.isQuorum(19)).as("57 > 56").isTrue();
        assertThat(s.isQuorum(18)).as("54 < 56").isFalse();
        assertThat(s.isQuorum(14)).as("2 of 4").isFalse();
        assertThat(s.isOneThird(14)).as("2 of 4").isTrue();
        assertThat(s.isOneThird(7)).as("1 of 4").isFalse();
        ValidatorSet three = equal(3); // 21: 2 of 3 is 14, 42 > 42 is false
        assertThat(three.isQuorum(14)).isFalse();
        assertThat(three.isQuorum(21)).isTrue();
    }
}
