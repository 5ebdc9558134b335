// The keyspace: the numbered databases plus the cross-cutting concerns every mutation must
// reach — the dirty counter, WATCH, read statistics, expiry reporting. Databases call back
// into it (it is their KeyspaceHost), so a concern hooks in here once, not in each command.

import { Database, type KeyspaceHost, type KeyspaceObserver } from './database.js';
import { KeyspaceView } from './snapshot.js';
import { WatchRegistry } from './watch.js';

export interface KeyspaceStats {
  hits: number;
  misses: number;
  expiredKeys: number;
  /** Expired keys found by the active cycle, while it scanned this many. */
  expiredStalePerc: number;
}

export type ExpiredListener = (db: Database, key: string) => void;

export class Keyspace implements KeyspaceHost {
  readonly dbs: Database[];
  /** Changes since the last save (rdb_changes_since_last_save); drives propagation. */
  dirty = 0;
  loading = false;
  lfu = false;
  /** Set by the dispatcher while a CLIENT NO-TOUCH client's command runs. */
  noTouch = false;
  /** The time of the command being executed; set by the dispatcher and the cron. */
  time = Date.now();
  readonly stats: KeyspaceStats = { hits: 0, misses: 0, expiredKeys: 0, expiredStalePerc: 0 };
  readonly watches = new WatchRegistry();
  /** Called for each key removed because its TTL passed (the server propagates a DEL). */
  onExpired: ExpiredListener | null = null;
  /** Set while clients wait on keys (blocking commands): a key changed and may serve them. */
  onKeyChanged: ((db: Database, key: string) => void) | null = null;
  /** Set while clients wait on keys: two databases exchanged contents (SWAPDB). */
  onSwapped: ((a: Database, b: Database) => void) | null = null;
  /** Point-in-time views being kept exact (see KeyspaceObserver). */
  readonly observers: KeyspaceObserver[] = [];

  /**
   * A point-in-time view of every database, in O(number of databases): walk it with
   * view.step() while the live keyspace keeps changing; release() it when done.
   */
  snapshot(): KeyspaceView {
    const view = new KeyspaceView(this.dbs, (v) => this.removeObserver(v));
    this.addObserver(view);
    return view;
  }

  addObserver(o: KeyspaceObserver): void {
    this.observers.push(o);
  }

  removeObserver(o: KeyspaceObserver): void {
    const i = this.observers.indexOf(o);
    if (i >= 0) this.observers.splice(i, 1);
  }

  constructor(databases: number) {
    this.dbs = [];
    for (let i = 0; i < databases; i++) this.dbs.push(new Database(i, this));
  }

  now(): number {
    return this.time;
  }

  keyModified(db: Database, key: string): void {
    this.dirty++;
    this.watches.touch(db.id, key);
    if (this.onKeyChanged !== null) this.onKeyChanged(db, key);
  }

  keyExpired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.watches.touch(db.id, key);
    if (this.onExpired !== null) this.onExpired(db, key);
  }

  countLookup(hit: boolean): void {
    if (hit) this.stats.hits++;
    else this.stats.misses++;
  }

  /** Empties one database (FLUSHDB): WATCHers of keys that existed are touched. */
  flushDb(db: Database): number {
    this.watches.touchExisting(db.id, (key) => db.peekEntry(key) !== undefined);
    const removed = db.clear();
    this.dirty += removed;
    return removed;
  }

  /** Empties every database (FLUSHALL). */
  flushAll(): number {
    let removed = 0;
    for (const db of this.dbs) removed += this.flushDb(db);
    return removed;
  }

  /** SWAPDB: the contents move, the database numbers (and their WATCHes) stay. */
  swap(a: number, b: number): void {
    const da = this.dbs[a]!;
    const dbb = this.dbs[b]!;
    // A WATCHed key is touched if it exists in either database (its value changes or vanishes).
    const existsInEither = (key: string) => da.peekEntry(key) !== undefined || dbb.peekEntry(key) !== undefined;
    this.watches.touchExisting(a, existsInEither);
    this.watches.touchExisting(b, existsInEither);
    da.swapContents(dbb);
    this.dirty++;
    if (this.onSwapped !== null) this.onSwapped(da, dbb);
  }

  get totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}
