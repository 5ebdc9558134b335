// A sorted set: the skiplist (order, ranks) plus a member -> node map (O(1) score lookup),
// as Redis pairs a zskiplist with a dict. No protocol here.
//
// Redis keeps small sets in a listpack and converts to skiplist+dict once one outgrows
// zset-max-listpack-entries or gets a member longer than zset-max-listpack-value, never
// back (except a freshly computed *STORE result, sized once). We always use the skiplist
// but track which form Redis would be using, since OBJECT ENCODING, DEBUG OBJECT, ZSCAN and
// a few replies show it: a listpack stores a score that is an integer as an integer, so -0
// becomes 0 there; it returns all of a small set in one ZSCAN call, scores as stored.

import type { CollectionValue } from './types.js';
import { KeyMap } from './key-map.js';
import { NIL, SkipList } from './skiplist.js';
import { emptyLexRange, lexGteMin, lexLteMax, type LexRange, type ScoreRange } from './zset-range.js';
import { listpackScoreText, zsetListpack } from './zset-serialize.js';
import { rdbBlobSize, rdbLenSize, rdbStringSize } from './rdb-size.js';
import { formatDouble } from '../resp/numbers.js';

/** The size thresholds of the listpack form (zset-max-listpack-entries / -value). */
export interface ZsetLimits {
  readonly maxListpackEntries: number;
  readonly maxListpackValue: number;
}

/** ZADD's input flags (zsetAdd's in_flags). */
export const ZADD_INCR = 1;
export const ZADD_NX = 2;
export const ZADD_XX = 4;
export const ZADD_GT = 8;
export const ZADD_LT = 16;

/** zsetAdd's out flags. */
export const ZADD_OUT_NAN = 1;
export const ZADD_OUT_ADDED = 2;
export const ZADD_OUT_UPDATED = 4;
export const ZADD_OUT_NOP = 8;

/** Scan-order entries that may be dead before the order is compacted. */
const COMPACT_MIN_DEAD = 64;

export class ZSet implements CollectionValue {
  readonly type = 'zset' as const;
  /** The ordered elements; nodes are handles into it (NIL for none). */
  readonly list = new SkipList();
  /** member -> node */
  private readonly dict = new KeyMap<number>();
  /** Redis would hold this set as a listpack. */
  private compact = true;
  /** The score set by the last add() (zsetAdd's *newscore). */
  newScore = 0;
  /**
   * ZSCAN order of a large set, built on its first ZSCAN: nodes with the sequence number
   * they had when appended (a node whose tag no longer matches left, its slot maybe reused).
   */
  private scanNodes: number[] | null = null;
  private scanSeqs: number[] = [];
  private scanDead = 0;
  private nextSeq = 1;

  get size(): number {
    return this.list.length;
  }

  /** OBJECT ENCODING. */
  encoding(): 'listpack' | 'skiplist' {
    return this.compact ? 'listpack' : 'skiplist';
  }

  score(member: string): number | undefined {
    const h = this.dict.get(member);
    return h === undefined ? undefined : this.list.score(h);
  }

  has(member: string): boolean {
    return this.dict.get(member) !== undefined;
  }

  // Node access, for walks over ranges: handles are valid until the set changes.
  first(): number {
    return this.list.first;
  }
  last(): number {
    return this.list.last;
  }
  next(h: number): number {
    return this.list.next(h);
  }
  prev(h: number): number {
    return this.list.prev(h);
  }
  memberOf(h: number): string {
    return this.list.member(h);
  }
  scoreOf(h: number): number {
    return this.list.score(h);
  }

  /**
   * zsetAdd: adds `member` or updates its score as the flags say. Returns ZADD_OUT_* flags;
   * the resulting score is left in `newScore` (unless NOP or NAN). A new member that does
   * not fit the listpack limits converts the set for good.
   */
  add(member: string, score: number, flags: number, limits: ZsetLimits): number {
    if (Number.isNaN(score)) return ZADD_OUT_NAN;
    const h = this.dict.get(member);
    if (h !== undefined) {
      if ((flags & ZADD_NX) !== 0) return ZADD_OUT_NOP;
      const cur = this.list.score(h);
      if ((flags & ZADD_INCR) !== 0) {
        score += cur;
        if (Number.isNaN(score)) return ZADD_OUT_NAN;
      }
      if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) return ZADD_OUT_NOP;
      this.newScore = score;
      if (score !== cur) {
        this.list.updateScore(h, this.compact && score === 0 ? 0 : score);
        return ZADD_OUT_UPDATED;
      }
      return 0;
    }
    if ((flags & ZADD_XX) !== 0) return ZADD_OUT_NOP;
    if (this.compact && (this.list.length + 1 > limits.maxListpackEntries || member.length > limits.maxListpackValue)) this.compact = false;
    this.insertNew(member, this.compact && score === 0 ? 0 : score);
    this.newScore = score;
    return ZADD_OUT_ADDED;
  }

  /** Adds a member known to be absent, keeping the current form (building results). */
  insertNew(member: string, score: number): number {
    const h = this.list.insert(score, member);
    this.dict.set(member, h);
    if (this.scanNodes !== null) {
      const seq = this.nextSeq++;
      this.list.setTag(h, seq);
      this.scanNodes.push(h);
      this.scanSeqs.push(seq);
    }
    return h;
  }

  /** Removes `member`; false if it was not there. */
  remove(member: string): boolean {
    const h = this.dict.get(member);
    if (h === undefined) return false;
    this.dict.delete(member);
    this.list.delete(this.list.score(h), member);
    this.forget();
    return true;
  }

  /** A node left: its scan-order entry is dead. */
  private forget(): void {
    if (this.scanNodes === null) return;
    this.scanDead++;
    if (this.scanDead >= COMPACT_MIN_DEAD && this.scanDead * 2 > this.scanNodes.length) {
      const nodes: number[] = [];
      const seqs: number[] = [];
      for (let i = 0; i < this.scanNodes.length; i++) {
        const h = this.scanNodes[i]!;
        if (this.list.tag(h) === this.scanSeqs[i]) {
          nodes.push(h);
          seqs.push(this.scanSeqs[i]!);
        }
      }
      this.scanNodes = nodes;
      this.scanSeqs = seqs;
      this.scanDead = 0;
    }
  }

  private readonly removedMember = (member: string): void => {
    this.dict.delete(member);
    this.forget();
  };

  /** 0-based rank of `member` from the lowest (or from the highest), -1 when absent. */
  rank(member: string, reverse: boolean): number {
    const h = this.dict.get(member);
    if (h === undefined) return -1;
    const r = this.list.rankOf(this.list.score(h), member);
    return reverse ? this.list.length - r : r - 1;
  }

  /** The node at 0-based rank from the lowest, or NIL. */
  at(rank: number): number {
    if (rank === 0) return this.list.first;
    if (rank === this.list.length - 1) return this.list.last;
    return this.list.byRank(rank + 1);
  }

  /** The 1-based rank of a node (ZCOUNT). */
  rankOfNode(h: number): number {
    return this.list.rankOf(this.list.score(h), this.list.member(h));
  }

  firstInRange(r: ScoreRange): number {
    return this.list.firstInRange(r);
  }

  lastInRange(r: ScoreRange): number {
    return this.list.lastInRange(r);
  }

  deleteRangeByScore(r: ScoreRange): number {
    return this.list.deleteRangeByScore(r, this.removedMember);
  }

  /**
   * Lexicographic ranges assume all scores are equal; when they are not, the answer depends
   * on how the set is walked. A listpack is walked linearly (zzlFirstInLexRange ...), which
   * is deterministic, so a listpack-sized set is walked the same way here; a large one is
   * searched down the skiplist as Redis does it.
   */
  firstInLexRange(r: LexRange): number {
    if (!this.compact) return this.list.firstInLexRange(r);
    if (!this.inLexRange(r)) return NIL;
    for (let h = this.list.first; h !== NIL; h = this.list.next(h)) {
      const m = this.list.member(h);
      if (lexGteMin(m, r)) return lexLteMax(m, r) ? h : NIL;
    }
    return NIL;
  }

  lastInLexRange(r: LexRange): number {
    if (!this.compact) return this.list.lastInLexRange(r);
    if (!this.inLexRange(r)) return NIL;
    for (let h = this.list.last; h !== NIL; h = this.list.prev(h)) {
      const m = this.list.member(h);
      if (lexLteMax(m, r)) return lexGteMin(m, r) ? h : NIL;
    }
    return NIL;
  }

  /** zzlIsInLexRange / zslIsInLexRange: the range can overlap the set at all. */
  private inLexRange(r: LexRange): boolean {
    const first = this.list.first;
    const last = this.list.last;
    return !emptyLexRange(r) && last !== NIL && lexGteMin(this.list.member(last), r) && lexLteMax(this.list.member(first), r);
  }

  /** ZLEXCOUNT: a listpack counts by walking from the first match, a skiplist by ranks. */
  lexCount(r: LexRange): number {
    const first = this.firstInLexRange(r);
    if (first === NIL) return 0;
    if (this.compact) {
      let count = 0;
      for (let h = first; h !== NIL && lexLteMax(this.list.member(h), r); h = this.list.next(h)) count++;
      return count;
    }
    const len = this.list.length;
    let count = len - (this.rankOfNode(first) - 1);
    const last = this.list.lastInLexRange(r);
    if (last !== NIL) count -= len - this.rankOfNode(last);
    return count;
  }

  deleteRangeByLex(r: LexRange): number {
    if (!this.compact) return this.list.deleteRangeByLex(r, this.removedMember);
    let count = 0;
    for (let h = this.firstInLexRange(r); h !== NIL; count++) {
      const member = this.list.member(h);
      if (!lexLteMax(member, r)) break;
      h = this.list.next(h);
      this.remove(member);
    }
    return count;
  }

  /** Removes 0-based ranks start..end (inclusive, within bounds). */
  deleteRangeByRank(start: number, end: number): number {
    return this.list.deleteRangeByRank(start + 1, end + 1, this.removedMember);
  }

  /**
   * Sizes a freshly built result once (zsetConvertToListpackIfNeeded): the listpack form if
   * it has at most zset-max-listpack-entries members, none longer than -value.
   */
  fitEncoding(limits: ZsetLimits): void {
    let fits = this.list.length <= limits.maxListpackEntries;
    if (fits) {
      const maxValue = limits.maxListpackValue;
      for (let h = this.list.first; h !== NIL; h = this.list.next(h)) {
        if (this.list.member(h).length > maxValue) {
          fits = false;
          break;
        }
      }
    }
    this.compact = fits;
    if (fits) for (let h = this.list.first; h !== NIL; h = this.list.next(h)) if (this.list.score(h) === 0) this.list.setScoreInPlace(h, 0);
  }

  /** A result set that starts as a skiplist (fitEncoding decides its form at the end). */
  static large(): ZSet {
    const z = new ZSet();
    z.compact = false;
    return z;
  }

  /** [member, score] pairs, lowest first (DEBUG DIGEST). */
  *entries(): IterableIterator<[string, number]> {
    for (let h = this.list.first; h !== NIL; h = this.list.next(h)) yield [this.list.member(h), this.list.score(h)];
  }

  /** Members, lowest first. */
  *members(): IterableIterator<string> {
    for (let h = this.list.first; h !== NIL; h = this.list.next(h)) yield this.list.member(h);
  }

  clone(): ZSet {
    const z = new ZSet();
    z.compact = this.compact;
    // Highest first: each insertion stops at the head (as zsetDup does it).
    for (let h = this.list.last; h !== NIL; h = this.list.prev(h)) z.insertNew(this.list.member(h), this.list.score(h));
    return z;
  }

  // ---- ZSCAN --------------------------------------------------------------------------------

  /**
   * One ZSCAN step: calls `visit(member, scoreText)` for each element of the step and returns
   * the next cursor (0 when done). A listpack-sized set is returned whole with its scores as
   * the listpack stores them; a larger one walks the order of insertion from `cursor`, so an
   * element present for the whole scan is returned at least once whatever else changes.
   */
  scan(cursor: number, count: number, visit: (member: string, score: string) => void): number {
    const list = this.list;
    if (this.compact) {
      for (let h = list.first; h !== NIL; h = list.next(h)) visit(list.member(h), listpackScoreText(list.score(h)));
      return 0;
    }
    if (this.scanNodes === null) {
      const nodes: number[] = [];
      const seqs: number[] = [];
      for (const h of this.dict.values()) {
        const seq = this.nextSeq++;
        list.setTag(h, seq);
        nodes.push(h);
        seqs.push(seq);
      }
      this.scanNodes = nodes;
      this.scanSeqs = seqs;
    }
    const nodes = this.scanNodes;
    const seqs = this.scanSeqs;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid]! < cursor) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    for (let visited = 0; i < nodes.length && visited < count; i++, visited++) {
      const h = nodes[i]!;
      if (list.tag(h) === seqs[i]) visit(list.member(h), formatDouble(list.score(h)));
    }
    return i >= nodes.length ? 0 : seqs[i]!;
  }

  // ---- introspection ------------------------------------------------------------------------

  /**
   * MEMORY USAGE: the skiplist's arrays, the member strings (16-byte header, a byte a char),
   * and a map entry per member; strings sampled as Redis samples nested values.
   */
  memoryUsage(samples: number): number {
    const size = this.list.length;
    let sampled = 0;
    let bytes = 0;
    for (let h = this.list.first; h !== NIL && (samples === 0 || sampled < samples); h = this.list.next(h)) {
      bytes += ((16 + this.list.member(h).length + 7) & ~7) + 32;
      sampled++;
    }
    const perElement = sampled === 0 ? 0 : bytes / sampled;
    return 120 + this.list.memoryBytes() + Math.round(perElement * size);
  }

  /** DEBUG OBJECT serializedlength: the size of Redis 7.0's RDB form of this set. */
  rdbSerializedLength(compression: boolean): number {
    if (this.compact) return rdbBlobSize(zsetListpack(this.entries()), compression);
    let n = rdbLenSize(this.list.length);
    for (let h = this.list.last; h !== NIL; h = this.list.prev(h)) n += rdbStringSize(this.list.member(h), compression) + 8;
    return n;
  }
}
