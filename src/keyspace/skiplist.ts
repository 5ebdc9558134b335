// The sorted-set skiplist (Pugh's, as Redis's t_zset.c adapts it): nodes ordered by
// (score, member), members compared byte-wise, with a span per forward link so that a
// node's rank is found in O(log n) on the way down, and a backward link at level 0 for
// reverse walks. No protocol here; ZSet (zset.ts) pairs it with a member -> node map.
//
// Members are latin1 strings (one char per byte): JS compares strings by UTF-16 code units,
// which for chars <= 0xFF is memcmp order with the shorter prefix first — Redis's sdscmp.
//
// The node storage (typed arrays, slots, link blocks) is in skiplist-nodes.ts.

import { emptyLexRange, emptyScoreRange, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax, type LexRange, type ScoreRange } from './zset-range.js';
import { HEADER, MAX_LEVEL, NIL, SkipListNodes } from './skiplist-nodes.js';

export { MAX_LEVEL, NIL };

/** Probability of each further level (ZSKIPLIST_P). */
const P = 0.25;

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

/** Scratch of the descents: one operation runs at a time (JS is single-threaded, none nests). */
const update = new Int32Array(MAX_LEVEL);
const rank = new Float64Array(MAX_LEVEL);

export class SkipList extends SkipListNodes {
  // ---- insertion and removal ----------------------------------------------------------------

  /** Inserts (score, member), which must not be present; returns its node. */
  insert(score: number, member: string): number {
    const x = this.allocSlot(randomLevel(), score, member);
    this.link(x);
    return x;
  }

  /** Links node x (fresh, or unlinked by updateScore) at its (score, member) place. */
  private link(x: number): void {
    let links = this.links;
    const meta = this.meta;
    const scores = this.scores;
    const members = this.members;
    const s = scores[x]!;
    const m = members[x]!;
    let n = HEADER;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let f = links[nb + 2 * i]!;
      while (f !== NIL && (scores[f]! < s || (scores[f] === s && members[f]! < m))) {
        rank[i]! += links[nb + 2 * i + 1]!;
        n = f;
        nb = meta[3 * n + 2]!;
        f = links[nb + 2 * i]!;
      }
      update[i] = n;
    }
    const level = meta[3 * x + 1]!;
    if (level > this.level) {
      if (level > this.headerLevels) {
        this.widenHeader();
        links = this.links; // the pool may have grown
      }
      const hb = this.headerBase;
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = HEADER;
        links[hb + 2 * i + 1] = this.length;
      }
      this.level = level;
    }
    const xb = meta[3 * x + 2]!;
    const r0 = rank[0]!;
    for (let i = 0; i < level; i++) {
      const ub = meta[3 * update[i]! + 2]!;
      links[xb + 2 * i] = links[ub + 2 * i]!;
      links[ub + 2 * i] = x;
      links[xb + 2 * i + 1] = links[ub + 2 * i + 1]! - (r0 - rank[i]!);
      links[ub + 2 * i + 1] = r0 - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) links[meta[3 * update[i]! + 2]! + 2 * i + 1]!++;
    meta[3 * x] = update[0] === HEADER ? NIL : update[0]!;
    const next = links[xb]!;
    if (next !== NIL) meta[3 * next] = x;
    else this.tail = x;
    this.length++;
  }

  /** zslDeleteNode: unlinks x, whose predecessors at each level are in `update`. */
  private unlink(x: number): void {
    const links = this.links;
    const meta = this.meta;
    const xb = meta[3 * x + 2]!;
    const xlevel = meta[3 * x + 1]!;
    for (let i = 0; i < this.level; i++) {
      const ub = meta[3 * update[i]! + 2]!;
      if (links[ub + 2 * i] === x) {
        links[ub + 2 * i + 1]! += (i < xlevel ? links[xb + 2 * i + 1]! : 0) - 1;
        links[ub + 2 * i] = links[xb + 2 * i]!;
      } else {
        links[ub + 2 * i + 1]!--;
      }
    }
    const next = links[xb]!;
    if (next !== NIL) meta[3 * next] = meta[3 * x]!;
    else this.tail = meta[3 * x]!;
    while (this.level > 1 && links[this.headerBase + 2 * (this.level - 1)] === NIL) this.level--;
    this.length--;
  }

  /** Fills `update` with the last node before (score, member) at each level; returns the node after it. */
  private seek(s: number, m: string): number {
    const links = this.links;
    const meta = this.meta;
    const scores = this.scores;
    const members = this.members;
    let n = HEADER;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = links[nb + 2 * i]!;
      while (f !== NIL && (scores[f]! < s || (scores[f] === s && members[f]! < m))) {
        n = f;
        nb = meta[3 * n + 2]!;
        f = links[nb + 2 * i]!;
      }
      update[i] = n;
    }
    return links[nb]!;
  }

  /** Removes (score, member); false if absent. */
  delete(score: number, member: string): boolean {
    const x = this.seek(score, member);
    if (x === NIL || this.scores[x] !== score || this.members[x] !== member) return false;
    this.unlink(x);
    this.freeSlot(x);
    return true;
  }

  /**
   * Moves node h to `score`. The handle stays valid; the node is relinked only when the new
   * score changes its place (zslUpdateScore).
   */
  updateScore(h: number, score: number): void {
    const x = this.seek(this.scores[h]!, this.members[h]!);
    if (x !== h) throw new Error('skiplist: node not found');
    const prev = this.meta[3 * x]!;
    const next = this.links[this.meta[3 * x + 2]!]!;
    if ((prev === NIL || this.scores[prev]! < score) && (next === NIL || this.scores[next]! > score)) {
      this.scores[x] = score;
      return;
    }
    this.unlink(x);
    this.scores[x] = score;
    this.link(x);
  }

  // ---- ranks --------------------------------------------------------------------------------

  /** 1-based rank of (score, member), 0 when absent (zslGetRank). */
  rankOf(s: number, m: string): number {
    const links = this.links;
    const meta = this.meta;
    const scores = this.scores;
    const members = this.members;
    let r = 0;
    let n = HEADER;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = links[nb + 2 * i]!;
      while (f !== NIL && (scores[f]! < s || (scores[f] === s && members[f]! <= m))) {
        r += links[nb + 2 * i + 1]!;
        n = f;
        nb = meta[3 * n + 2]!;
        f = links[nb + 2 * i]!;
      }
      if (n !== HEADER && scores[n] === s && members[n] === m) return r;
    }
    return 0;
  }

  /** The node of 1-based `rank`, or NIL (zslGetElementByRank). */
  byRank(target: number): number {
    const links = this.links;
    const meta = this.meta;
    let traversed = 0;
    let n = HEADER;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = links[nb + 2 * i]!;
      while (f !== NIL && traversed + links[nb + 2 * i + 1]! <= target) {
        traversed += links[nb + 2 * i + 1]!;
        n = f;
        nb = meta[3 * n + 2]!;
        f = links[nb + 2 * i]!;
      }
      if (traversed === target) return n === HEADER ? NIL : n;
    }
    return NIL;
  }

  // ---- ranges -------------------------------------------------------------------------------

  private inScoreRange(r: ScoreRange): boolean {
    if (emptyScoreRange(r) || this.tail === NIL) return false;
    return scoreGteMin(this.scores[this.tail]!, r) && scoreLteMax(this.scores[this.first]!, r);
  }

  /** The first node with a score in range, or NIL. */
  firstInRange(r: ScoreRange): number {
    if (!this.inScoreRange(r)) return NIL;
    return this.firstFrom(
      (h) => scoreGteMin(this.scores[h]!, r),
      (h) => scoreLteMax(this.scores[h]!, r),
    );
  }

  /** The last node with a score in range, or NIL. */
  lastInRange(r: ScoreRange): number {
    if (!this.inScoreRange(r)) return NIL;
    return this.lastUpTo(
      (h) => scoreLteMax(this.scores[h]!, r),
      (h) => scoreGteMin(this.scores[h]!, r),
    );
  }

  private inLexRange(r: LexRange): boolean {
    if (emptyLexRange(r) || this.tail === NIL) return false;
    return lexGteMin(this.members[this.tail]!, r) && lexLteMax(this.members[this.first]!, r);
  }

  /** The first node whose member is in the lexicographic range (found by descent), or NIL. */
  firstInLexRange(r: LexRange): number {
    if (!this.inLexRange(r)) return NIL;
    return this.firstFrom(
      (h) => lexGteMin(this.members[h]!, r),
      (h) => lexLteMax(this.members[h]!, r),
    );
  }

  /** The last node whose member is in the lexicographic range (found by descent), or NIL. */
  lastInLexRange(r: LexRange): number {
    if (!this.inLexRange(r)) return NIL;
    return this.lastUpTo(
      (h) => lexLteMax(this.members[h]!, r),
      (h) => lexGteMin(this.members[h]!, r),
    );
  }

  /**
   * The first node at or past a range's start (`atOrPastMin` is false, then true, along the
   * list), provided it is also within the range's end; else NIL. One descent, O(log n).
   */
  private firstFrom(atOrPastMin: (h: number) => boolean, withinMax: (h: number) => boolean): number {
    const links = this.links;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = links[nb + 2 * i]!;
      while (f !== NIL && !atOrPastMin(f)) {
        nb = this.meta[3 * f + 2]!;
        f = links[nb + 2 * i]!;
      }
    }
    const x = links[nb]!;
    return x !== NIL && withinMax(x) ? x : NIL;
  }

  /** The last node within a range's end, provided it is also at or past its start; else NIL. */
  private lastUpTo(withinMax: (h: number) => boolean, atOrPastMin: (h: number) => boolean): number {
    const links = this.links;
    let n = HEADER;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = links[nb + 2 * i]!;
      while (f !== NIL && withinMax(f)) {
        n = f;
        nb = this.meta[3 * n + 2]!;
        f = links[nb + 2 * i]!;
      }
    }
    return n !== HEADER && atOrPastMin(n) ? n : NIL;
  }

  /**
   * Skips the nodes `skip` accepts (a prefix of the list), then removes nodes while `keep`
   * accepts them, calling `removed(member)` for each (its slot is free by then); returns how
   * many were removed.
   */
  private deleteFrom(skip: (h: number) => boolean, keep: (h: number) => boolean, removed: (member: string) => void): number {
    const links = this.links;
    let n = HEADER;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = links[nb + 2 * i]!;
      while (f !== NIL && skip(f)) {
        n = f;
        nb = this.meta[3 * n + 2]!;
        f = links[nb + 2 * i]!;
      }
      update[i] = n;
    }
    let x = links[nb]!;
    let count = 0;
    while (x !== NIL && keep(x)) {
      const next = this.links[this.meta[3 * x + 2]!]!;
      const member = this.members[x]!;
      this.unlink(x);
      this.freeSlot(x);
      removed(member);
      count++;
      x = next;
    }
    return count;
  }

  /** Removes every node with a score in range, calling `removed` for each; returns how many. */
  deleteRangeByScore(r: ScoreRange, removed: (member: string) => void): number {
    return this.deleteFrom(
      (h) => !scoreGteMin(this.scores[h]!, r),
      (h) => scoreLteMax(this.scores[h]!, r),
      removed,
    );
  }

  /** Removes every node whose member is in the lexicographic range; returns how many. */
  deleteRangeByLex(r: LexRange, removed: (member: string) => void): number {
    return this.deleteFrom(
      (h) => !lexGteMin(this.members[h]!, r),
      (h) => lexLteMax(this.members[h]!, r),
      removed,
    );
  }

  /** Removes the nodes of 1-based ranks start..end (inclusive); returns how many. */
  deleteRangeByRank(start: number, end: number, removed: (member: string) => void): number {
    const links = this.links;
    let traversed = 0;
    let n = HEADER;
    let nb = this.headerBase;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = links[nb + 2 * i]!;
      while (f !== NIL && traversed + links[nb + 2 * i + 1]! < start) {
        traversed += links[nb + 2 * i + 1]!;
        n = f;
        nb = this.meta[3 * n + 2]!;
        f = links[nb + 2 * i]!;
      }
      update[i] = n;
    }
    traversed++;
    let x = links[nb]!;
    let count = 0;
    while (x !== NIL && traversed <= end) {
      const next = this.links[this.meta[3 * x + 2]!]!;
      const member = this.members[x]!;
      this.unlink(x);
      this.freeSlot(x);
      removed(member);
      count++;
      traversed++;
      x = next;
    }
    return count;
  }

  /** Every node, lowest first. */
  *nodes(): IterableIterator<number> {
    for (let n = this.first; n !== NIL; n = this.next(n)) yield n;
  }

  /** Approximate bytes held (MEMORY USAGE): the typed arrays, the member slots and strings. */
  memoryBytes(): number {
    return this.scores.byteLength + (this.tags?.byteLength ?? 0) + this.meta.byteLength + this.links.byteLength + 8 * this.members.length + 3 * 72;
  }
}
