// Active expiry: an incremental cycle run `hz` times per second that removes keys whose TTL
// passed even if nobody reads them. Redis samples random volatile keys and may leave expired
// keys resident; we instead walk each database's volatile set with a persistent iterator, a
// bounded number of keys and a bounded time per run, so every expired key is found within
// one full pass.

import type { Keyspace } from './keyspace.js';
import type { Database } from './database.js';
import type { Entry } from './types.js';

/** Keys checked between two clock reads. */
const BATCH = 64;

export class ExpireCycle {
  private cursors = new Map<Database, { set: Set<Entry>; it: Iterator<Entry> }>();
  private dbIndex = 0;
  /** Disabled by DEBUG SET-ACTIVE-EXPIRE 0. */
  enabled = true;
  /** Keys examined and expired by the last run (for stats and tests). */
  lastChecked = 0;
  lastExpired = 0;

  constructor(private readonly keyspace: Keyspace) {}

  /** One run of at most `budgetMs` milliseconds. */
  run(budgetMs: number): void {
    const ks = this.keyspace;
    this.lastChecked = this.lastExpired = 0;
    if (!this.enabled || ks.loading) return;
    const deadline = performance.now() + budgetMs;
    const dbs = ks.dbs;
    let idleDbs = 0;
    while (idleDbs < dbs.length) {
      const db = dbs[this.dbIndex % dbs.length]!;
      if (db.expiresCount === 0) {
        this.dbIndex = (this.dbIndex + 1) % dbs.length;
        idleDbs++;
        continue;
      }
      const finished = this.step(db);
      if (performance.now() >= deadline) return;
      if (finished) {
        this.dbIndex = (this.dbIndex + 1) % dbs.length;
        idleDbs++;
      } else {
        idleDbs = 0;
      }
    }
  }

  /** Checks up to BATCH keys of `db`; true when its pass is complete. */
  private step(db: Database): boolean {
    const ks = this.keyspace;
    let cur = this.cursors.get(db);
    if (cur === undefined || cur.set !== db.volatile) {
      cur = { set: db.volatile, it: db.volatile.values() };
      this.cursors.set(db, cur);
    }
    ks.time = Date.now();
    const now = ks.time;
    for (let i = 0; i < BATCH; i++) {
      const r = cur.it.next();
      if (r.done) {
        this.cursors.delete(db);
        return true;
      }
      this.lastChecked++;
      const e = r.value;
      if (!e.dead && e.expireAt !== 0 && e.expireAt <= now) {
        db.expireEntry(e);
        this.lastExpired++;
      }
    }
    return false;
  }
}
