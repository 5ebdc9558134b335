// The skiplist's structural invariants, checked through its public API (used by the
// skiplist and sorted-set unit tests).

import assert from 'node:assert/strict';
import { NIL, type SkipList } from '../../src/keyspace/skiplist.js';

/**
 * The structural invariants seen through the public API: order, backward links, tail and
 * length; and every node's rank both ways (rankOf and byRank, which read the spans).
 */
export function checkList(list: SkipList): void {
  let count = 0;
  let prev = NIL;
  for (let h = list.first; h !== NIL; h = list.next(h)) {
    count++;
    assert.equal(list.prev(h), prev, `backward link of ${list.member(h)}`);
    if (prev !== NIL) {
      const [ps, pm, s, m] = [list.score(prev), list.member(prev), list.score(h), list.member(h)];
      assert.ok(ps < s || (ps === s && pm < m), `order at ${m}`);
    }
    assert.equal(list.rankOf(list.score(h), list.member(h)), count, `rank of ${list.member(h)}`);
    assert.equal(list.byRank(count), h, `node of rank ${count}`);
    prev = h;
  }
  assert.equal(list.length, count);
  assert.equal(list.last, prev);
}
