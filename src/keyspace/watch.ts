// WATCH bookkeeping: which clients watch which key of which database. A modification of a
// watched key marks those clients' transactions as doomed (EXEC then replies nil).

import { KeyMap } from './key-map.js';

export interface Watcher {
  /** Called when a watched key is modified. */
  watchedKeyTouched(): void;
}

export class WatchRegistry {
  /** db id -> key -> watchers */
  private byDb = new Map<number, KeyMap<Set<Watcher>>>();

  get size(): number {
    let n = 0;
    for (const keys of this.byDb.values()) n += keys.size;
    return n;
  }

  watch(db: number, key: string, watcher: Watcher): void {
    let keys = this.byDb.get(db);
    if (keys === undefined) this.byDb.set(db, (keys = new KeyMap()));
    let set = keys.get(key);
    if (set === undefined) keys.set(key, (set = new Set()));
    set.add(watcher);
  }

  unwatch(db: number, key: string, watcher: Watcher): void {
    const keys = this.byDb.get(db);
    const set = keys?.get(key);
    if (set === undefined) return;
    set.delete(watcher);
    if (set.size === 0) {
      keys!.delete(key);
      if (keys!.size === 0) this.byDb.delete(db);
    }
  }

  touch(db: number, key: string): void {
    if (this.byDb.size === 0) return;
    const set = this.byDb.get(db)?.get(key);
    if (set === undefined) return;
    for (const w of set) w.watchedKeyTouched();
  }

  /** Touches the watched keys of `db` for which `exists` holds (flush and swap). */
  touchExisting(db: number, exists: (key: string) => boolean): void {
    const keys = this.byDb.get(db);
    if (keys === undefined) return;
    for (const [key, set] of keys.entries()) {
      if (!exists(key)) continue;
      for (const w of set) w.watchedKeyTouched();
    }
  }
}
