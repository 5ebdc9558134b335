// One numbered database: the dict of keys, their expiry, and a stable scan order.
//
// Every mutation of the data goes through the small API below (add, overwrite, delete,
// expire, persist, modified, clear, swap); each call reports to the KeyspaceHost, which
// counts `dirty` and marks WATCHed keys. Before an existing entry changes or disappears,
// KeyspaceObservers (point-in-time views) are told while it still holds its old state.
// Handlers that mutate a collection in place first get it with lookupWrite() — the moment
// observers hear of it — and then call modified(). The bitmap commands do the same with a
// large string through lookupWriteStored(), which keeps it as an editable ByteString (see
// entry.ts: every other reader still gets a JS string).
//
// SCAN guarantee: each key gets a sequence number at insertion and is appended to `order`;
// a cursor is the sequence number to resume from. A key present for the whole scan keeps its
// entry (overwrites reuse it), so a cursor that only moves forward must reach it. Deleted
// entries are flagged dead and compacted away once they outnumber the live ones.

import type { Entry, Value } from './types.js';
import { KeyMap } from './key-map.js';
import { KeyEntry, type StoredValue } from './entry.js';

export interface KeyspaceHost {
  /** True while the AOF is being replayed: nothing expires then. */
  readonly loading: boolean;
  /** The time commands see ("now" of the command being executed). */
  now(): number;
  /** A key changed (write, delete, expire, flush): count dirty, touch WATCHers, notify views. */
  keyModified(db: Database, key: string): void;
  /** A key was found expired and removed; the host propagates it as DEL. */
  keyExpired(db: Database, key: string): void;
  /** Read statistics (keyspace_hits / keyspace_misses). */
  countLookup(hit: boolean): void;
  /** Is an LFU maxmemory-policy active (changes what `access`/`freq` track). */
  readonly lfu: boolean;
  /** The running command must not update access times (CLIENT NO-TOUCH). */
  readonly noTouch: boolean;
  /** Point-in-time views to tell before anything changes (usually none). */
  readonly observers: readonly KeyspaceObserver[];
}

/**
 * The snapshot hook: what a point-in-time view of the keyspace (the fork-less AOF rewrite,
 * later RDB) needs to stay exact while the live data keeps changing. Each method is called
 * *before* the change, so the old state can still be read. Keys added after a view was taken
 * need no hook: their entries have a higher `seq` than any entry the view covers.
 */
export interface KeyspaceObserver {
  /** `entry` (its value, TTL) is about to be overwritten, mutated in place, expired or removed. */
  beforeEntryChange(db: Database, entry: Entry): void;
  /** Every entry of `db` is about to be dropped (FLUSHDB, FLUSHALL). */
  beforeClear(db: Database): void;
  /** The contents of `a` and `b` are about to be exchanged (SWAPDB). */
  beforeSwap(a: Database, b: Database): void;
}

const COMPACT_MIN_DEAD = 1024;

export class Database {
  private dict = new KeyMap<KeyEntry>();
  private order: Entry[] = [];
  private deadInOrder = 0;
  private nextSeq = 1;
  /** Entries with a TTL, for the active expiry cycle (a Set of entries: no key hashing). */
  volatile = new Set<Entry>();

  constructor(
    readonly id: number,
    private readonly host: KeyspaceHost,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** The seq of the newest entry ever added (0 if none): a snapshot's horizon. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get expiresCount(): number {
    return this.volatile.size;
  }

  // ---- lookups ------------------------------------------------------------------------

  /**
   * The live entry for `key`, or undefined. Expires the key if its time has passed (unless
   * loading). Does not touch access time or statistics.
   */
  getEntry(key: string): KeyEntry | undefined {
    const e = this.dict.get(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= this.host.now() && !this.host.loading) {
      this.expireEntry(e);
      return undefined;
    }
    return e;
  }

  /** Lookup for a read command: counts hits/misses and updates the access time. */
  lookupRead(key: string): Value | undefined {
    const e = this.getEntry(key);
    this.host.countLookup(e !== undefined);
    if (e === undefined) return undefined;
    this.touchAccess(e);
    return e.value;
  }

  /**
   * Lookup for a write command: the value may be mutated in place afterwards, and the
   * handler must then call modified(key).
   */
  lookupWrite(key: string): Value | undefined {
    const e = this.getEntry(key);
    if (e === undefined) return undefined;
    this.touchAccess(e);
    // A string is immutable: it only changes through set(). A collection may be mutated now.
    if (typeof e.value !== 'string') this.willChange(e);
    return e.value;
  }

  /**
   * lookupRead for the bitmap commands: a string they are editing in place comes back in its
   * byte form (a ByteString) instead of being turned back into a JS string.
   */
  lookupReadStored(key: string): StoredValue | undefined {
    const e = this.getEntry(key);
    this.host.countLookup(e !== undefined);
    if (e === undefined) return undefined;
    this.touchAccess(e);
    return e.stored;
  }

  /**
   * lookupWrite for the bitmap commands: a ByteString comes back as is, to be edited in place
   * (then call modified(key)); a JS string is replaced through set() as usual, possibly by a
   * ByteString (src/keyspace/byte-string.ts).
   */
  lookupWriteStored(key: string): StoredValue | undefined {
    const e = this.getEntry(key);
    if (e === undefined) return undefined;
    this.touchAccess(e);
    if (typeof e.stored === 'string') return e.stored;
    this.willChange(e);
    // An observer that read the value has turned a ByteString back into a string: re-read.
    return e.stored;
  }

  /**
   * Lookup for a read that must not change the access time (EXISTS, TYPE, TTL, OBJECT, SCAN
   * TYPE): expires lazily and counts hits/misses, as Redis's LOOKUP_NOTOUCH reads do.
   */
  readEntry(key: string): KeyEntry | undefined {
    const e = this.getEntry(key);
    this.host.countLookup(e !== undefined);
    return e;
  }

  /** Whether the key exists (expiring it lazily), without touching access time. */
  has(key: string): boolean {
    return this.getEntry(key) !== undefined;
  }

  /** Absolute expiry in ms, -1 if the key has none (the key must exist). */
  getExpire(key: string): number {
    const e = this.getEntry(key);
    return e === undefined || e.expireAt === 0 ? -1 : e.expireAt;
  }

  private touchAccess(e: Entry): void {
    if (this.host.noTouch) return;
    if (!this.host.lfu) {
      e.access = this.host.now();
      return;
    }
    // Redis's LFU: decay by elapsed minutes, then a logarithmic increment (lfu-log-factor 10).
    const now = this.host.now();
    const minutes = Math.floor((now - e.access) / 60000);
    if (minutes > 0) e.freq = Math.max(0, e.freq - minutes);
    if (e.freq < 255) {
      const baseval = Math.max(0, e.freq - 5);
      if (Math.random() < 1 / (baseval * 10 + 1)) e.freq++;
    }
    e.access = now;
  }

  // ---- mutations ----------------------------------------------------------------------

  /** Adds a key that does not exist. */
  add(key: string, value: StoredValue): void {
    const e = new KeyEntry(key, value, 0, this.host.now(), 5, this.nextSeq++);
    this.dict.set(key, e);
    this.order.push(e);
    this.host.keyModified(this, key);
  }

  /**
   * Adds a key that does not exist, carrying over the value, TTL and access state of `from`
   * (an entry of this or another database, usually just deleted): RENAME and MOVE move the
   * object itself in Redis, so its expiry, idle time and LFU counter survive.
   */
  addMoved(key: string, from: Entry): void {
    const value = from instanceof KeyEntry ? from.stored : from.value;
    const e = new KeyEntry(key, value, from.expireAt, from.access, from.freq, this.nextSeq++);
    this.dict.set(key, e);
    this.order.push(e);
    if (e.expireAt !== 0) this.volatile.add(e);
    this.host.keyModified(this, key);
  }

  /**
   * Sets the value of a key, creating it if needed (Redis's setKey). The TTL is removed
   * unless keepTtl.
   */
  set(key: string, value: StoredValue, keepTtl = false): void {
    const e = this.getEntry(key);
    if (e === undefined) {
      this.add(key, value);
      return;
    }
    this.willChange(e);
    e.stored = value;
    if (!keepTtl && e.expireAt !== 0) {
      e.expireAt = 0;
      this.volatile.delete(e);
    }
    this.host.keyModified(this, key);
  }

  /** Removes a key; false if it did not exist. */
  delete(key: string): boolean {
    const e = this.getEntry(key);
    if (e === undefined) return false;
    this.unlink(e);
    this.host.keyModified(this, key);
    return true;
  }

  /** Sets an absolute expiry (ms) on an existing key. */
  setExpire(key: string, when: number): boolean {
    const e = this.getEntry(key);
    if (e === undefined) return false;
    this.willChange(e);
    e.expireAt = when;
    this.volatile.add(e);
    this.host.keyModified(this, key);
    return true;
  }

  /** Removes the TTL of a key; false if it had none or does not exist. */
  persist(key: string): boolean {
    const e = this.getEntry(key);
    if (e === undefined || e.expireAt === 0) return false;
    this.willChange(e);
    e.expireAt = 0;
    this.volatile.delete(e);
    this.host.keyModified(this, key);
    return true;
  }

  /** Reports an in-place change of the value of `key` (obtained through lookupWrite). */
  modified(key: string): void {
    this.host.keyModified(this, key);
  }

  /** Removes every key; returns how many there were. */
  clear(): number {
    for (const o of this.host.observers) o.beforeClear(this);
    const removed = this.dict.size;
    for (const e of this.dict.values()) e.dead = true;
    this.dict = new KeyMap();
    this.order = [];
    this.deadInOrder = 0;
    this.volatile = new Set();
    return removed;
  }

  /** Exchanges the whole contents with another database (SWAPDB); ids stay in place. */
  swapContents(other: Database): void {
    for (const o of this.host.observers) o.beforeSwap(this, other);
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.order, other.order] = [other.order, this.order];
    [this.deadInOrder, other.deadInOrder] = [other.deadInOrder, this.deadInOrder];
    [this.nextSeq, other.nextSeq] = [other.nextSeq, this.nextSeq];
    [this.volatile, other.volatile] = [other.volatile, this.volatile];
  }

  /**
   * Deletes an entry whose TTL passed and reports it for propagation as DEL. Used by lazy
   * lookups and the active cycle.
   */
  expireEntry(e: Entry): void {
    this.unlink(e);
    this.host.keyExpired(this, e.key);
  }

  private unlink(e: Entry): void {
    this.willChange(e);
    this.dict.delete(e.key);
    if (e.expireAt !== 0) this.volatile.delete(e);
    e.dead = true;
    this.deadInOrder++;
    if (this.deadInOrder >= COMPACT_MIN_DEAD && this.deadInOrder * 2 > this.order.length) {
      this.order = this.order.filter((x) => !x.dead);
      this.deadInOrder = 0;
    }
  }

  /** Tells observers that `e` is about to change, while it still holds its old state. */
  private willChange(e: Entry): void {
    const observers = this.host.observers;
    if (observers.length === 0) return;
    for (const o of observers) o.beforeEntryChange(this, e);
  }

  // ---- iteration ------------------------------------------------------------------------

  /** Raw entry access for the active expiry cycle (no lazy expiry). */
  peekEntry(key: string): Entry | undefined {
    return this.dict.get(key);
  }

  /** Every entry, including logically expired ones not yet removed (KEYS filters them). */
  entries(): IterableIterator<Entry> {
    return this.dict.values();
  }

  /**
   * One SCAN step: visits up to `count` slots of the scan order starting at cursor, calling
   * `visit` for each live entry. Returns the next cursor (0 when done).
   */
  scan(cursor: number, count: number, visit: (e: Entry) => void): number {
    const order = this.order;
    // First position whose seq >= cursor (order is sorted by seq).
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order[mid]!.seq < cursor) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    const end = Math.min(order.length, lo + Math.max(1, count));
    for (; i < end; i++) {
      const e = order[i]!;
      if (!e.dead) visit(e);
    }
    return i >= order.length ? 0 : order[i]!.seq;
  }

  /** A uniformly random live key, or undefined when empty. */
  randomEntry(): Entry | undefined {
    if (this.dict.size === 0) return undefined;
    // Dead entries are at most half of `order`, so this loop ends quickly.
    for (;;) {
      const e = this.order[Math.floor(Math.random() * this.order.length)]!;
      if (!e.dead) return e;
    }
  }
}
