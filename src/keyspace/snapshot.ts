// A point-in-time view of the whole keyspace: the in-process equivalent of Redis's fork for
// the background AOF rewrite (and any later snapshot). `keyspace.snapshot()` costs O(number
// of databases); the live keyspace keeps serving reads and writes; the view is walked in
// small steps and yields exactly the dataset as it was when it was taken.
//
// Mechanism: per-entry sequence numbers with pre-images (DESIGN.md §2, "Rewrite without
// fork"). Every database numbers its entries in insertion order (`seq`, the SCAN order), so
// for each database the view remembers only two numbers: the last seq that existed when it
// was taken (entries above it are newer and invisible) and the walk's cursor (entries below
// it were visited). Through the KeyspaceObserver hook the view hears of every change *before*
// it happens; when an entry it still has to visit is about to change or disappear, it keeps a
// copy of the old state (a pre-image: the key, a deep copy of the value, the TTL) and the walk
// later yields that copy instead. Entries the walk has passed, and entries created after the
// snapshot, cost nothing. Extra memory is therefore proportional to what is written during
// the walk (one copy per changed key, however often it changes), not to the dataset; the one
// cost to know is that the first write to a large collection the walk has not reached copies
// it (O(size of that collection), as a fork's copy-on-write copies its pages).
//
// FLUSHDB/FLUSHALL: the entries about to be dropped that the walk still needs move into a
// frozen array (pointers only: a dropped entry can no longer change). SWAPDB: the view's
// databases follow their contents to their new numbers. Releasing the view drops the
// observer and the pre-images: no work proportional to the dataset.

import type { Database, KeyspaceObserver } from './database.js';
import type { Entry, Value } from './types.js';

/** What a walk yields for one key: the state the key had when the view was taken. */
export interface SnapshotEntry {
  readonly key: string;
  readonly value: Value;
  /** Absolute expiry in Unix ms, 0 for none. */
  readonly expireAt: number;
}

/** Called for each key of the view: `db` is the database number at snapshot time. */
export type SnapshotVisitor = (db: number, entry: SnapshotEntry) => void;

/** The part of the view that belongs to one database (as numbered at snapshot time). */
interface ViewDb {
  readonly id: number;
  /** The database whose contents this is, while they are live; null once frozen. */
  source: Database | null;
  /** Entries with a higher seq were created after the snapshot. */
  readonly maxSeq: number;
  /** Live walk: seq of the next entry to visit (entries below it were visited). */
  cursor: number;
  /** The live contents have all been visited (or frozen). */
  liveDone: boolean;
  /** After a FLUSHDB/FLUSHALL: the unvisited entries it dropped, and the position in them. */
  frozen: Entry[] | null;
  frozenAt: number;
  /** Pre-images not yet yielded. */
  readonly preimages: SnapshotEntry[];
}

/** Keys visited per scan call of the live walk (a step is cut into calls of this size). */
const SCAN_CHUNK = 256;

export class KeyspaceView implements KeyspaceObserver {
  private readonly viewDbs: ViewDb[];
  /** Database id -> the part of the view its live contents belong to (moves on SWAPDB). */
  private readonly byDb: (ViewDb | null)[];
  /** Entries whose pre-image was taken: the live walk skips them. */
  private readonly saved = new Set<Entry>();
  /** The database being walked (index into viewDbs). */
  private at = 0;
  /** current_save_keys_total: keys in the dataset when the view was taken. */
  readonly totalKeys: number;
  /** current_save_keys_processed. */
  visited = 0;
  /** Pre-images taken so far (statistics, tests). */
  preimagesTaken = 0;
  private released = false;

  constructor(
    dbs: readonly Database[],
    private readonly detach: (view: KeyspaceView) => void,
  ) {
    this.viewDbs = [];
    this.byDb = [];
    let total = 0;
    for (const db of dbs) {
      const v: ViewDb = {
        id: db.id,
        source: db,
        maxSeq: db.lastSeq,
        cursor: 0,
        liveDone: db.size === 0,
        frozen: null,
        frozenAt: 0,
        preimages: [],
      };
      total += db.size;
      this.viewDbs.push(v);
      this.byDb[db.id] = v.liveDone ? null : v;
    }
    this.totalKeys = total;
  }

  /** True once every key of the view was yielded. */
  get done(): boolean {
    return this.at >= this.viewDbs.length;
  }

  /**
   * Visits up to `budget` keys, database by database (all keys of one database before the
   * next). Returns true while keys remain.
   */
  step(budget: number, visit: SnapshotVisitor): boolean {
    while (budget > 0 && this.at < this.viewDbs.length) {
      const v = this.viewDbs[this.at]!;
      // Pre-images are immutable copies: yield them first, it frees them soonest.
      const pre = v.preimages;
      while (budget > 0 && pre.length > 0) {
        visit(v.id, pre.pop()!);
        this.visited++;
        budget--;
      }
      if (budget === 0) break;
      if (v.frozen !== null) {
        budget -= this.walkFrozen(v, budget, visit);
      } else if (!v.liveDone) {
        budget -= this.walkLive(v, budget, visit);
      }
      if (v.liveDone && v.frozen === null && v.preimages.length === 0) this.at++;
    }
    // Every key of the view is yielded exactly once: once they all were, the walk is over
    // (without this, a budget that ends exactly at the last key would need one more call).
    if (this.visited >= this.totalKeys) this.at = this.viewDbs.length;
    return this.at < this.viewDbs.length;
  }

  private walkLive(v: ViewDb, budget: number, visit: SnapshotVisitor): number {
    const db = v.source!;
    const saved = this.saved;
    let used = 0;
    const onEntry = (e: Entry): void => {
      if (e.seq > v.maxSeq) {
        v.liveDone = true;
        return;
      }
      if (v.liveDone || (saved.size > 0 && saved.has(e))) return;
      visit(v.id, e);
      this.visited++;
      used++;
    };
    while (!v.liveDone && used < budget) {
      const next = db.scan(v.cursor, Math.min(SCAN_CHUNK, budget - used), onEntry);
      if (next === 0) v.liveDone = true;
      else if (!v.liveDone) v.cursor = next;
    }
    if (v.liveDone) this.byDb[db.id] = null;
    return used;
  }

  private walkFrozen(v: ViewDb, budget: number, visit: SnapshotVisitor): number {
    const frozen = v.frozen!;
    let used = 0;
    while (used < budget && v.frozenAt < frozen.length) {
      visit(v.id, frozen[v.frozenAt++]!);
      this.visited++;
      used++;
    }
    if (v.frozenAt >= frozen.length) v.frozen = null;
    return used;
  }

  /** Walks everything left (tests, small datasets). */
  walkAll(visit: SnapshotVisitor): void {
    while (this.step(1 << 20, visit));
  }

  /** Stops keeping the view exact and drops what it kept. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.detach(this);
    this.saved.clear();
    for (const v of this.viewDbs) {
      v.preimages.length = 0;
      v.frozen = null;
      v.source = null;
    }
    this.at = this.viewDbs.length;
  }

  // ---- KeyspaceObserver ----------------------------------------------------------------------

  /** Would the walk still visit this live entry of `db`? */
  private pending(db: Database, e: Entry): ViewDb | null {
    const v = this.byDb[db.id];
    if (v === null || v === undefined || v.liveDone) return null;
    if (e.seq > v.maxSeq || e.seq < v.cursor || e.dead || this.saved.has(e)) return null;
    return v;
  }

  beforeEntryChange(db: Database, e: Entry): void {
    const v = this.pending(db, e);
    if (v === null) return;
    this.saved.add(e);
    const value = e.value;
    v.preimages.push({ key: e.key, value: typeof value === 'string' ? value : value.clone(), expireAt: e.expireAt });
    this.preimagesTaken++;
  }

  beforeClear(db: Database): void {
    const v = this.byDb[db.id];
    if (v === null || v === undefined || v.liveDone) return;
    // The dropped entries can no longer change: keep pointers to those still to visit.
    const frozen: Entry[] = [];
    let cursor = v.cursor;
    let past = false;
    const keep = (e: Entry): void => {
      if (e.seq > v.maxSeq) past = true;
      else if (!past && !this.saved.has(e)) frozen.push(e);
    };
    do cursor = db.scan(cursor, 4096, keep);
    while (cursor !== 0 && !past);
    v.frozen = frozen.length > 0 ? frozen : null;
    v.frozenAt = 0;
    v.liveDone = true;
    v.source = null;
    this.byDb[db.id] = null;
  }

  beforeSwap(a: Database, b: Database): void {
    // The contents (and their seq numbering) move between the two databases.
    const va = this.byDb[a.id] ?? null;
    const vb = this.byDb[b.id] ?? null;
    this.byDb[a.id] = vb;
    this.byDb[b.id] = va;
    if (va !== null) va.source = b;
    if (vb !== null) vb.source = a;
  }
}
