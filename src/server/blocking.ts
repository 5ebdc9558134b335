// Blocking operations (BLPOP, BLMOVE, BZPOPMIN ...): clients waiting for keys to get values.
//
// A handler that finds nothing to serve calls c.block({ keys, timeoutMs, onTimeout }): the
// client is parked (its further input waits) and queued, first come first served, on each
// key. Any change to a key somebody waits on marks it ready; after the execution unit that
// changed it (a command, an EXEC, a served waiter), ready keys are served: each waiter's
// command runs again from scratch, in its own execution unit, so the handler's normal path
// pops, replies, and declares its non-blocking propagation form (BLPOP -> LPOP ...). A waiter
// that still finds nothing (another one took the value, or the key holds nothing it can use)
// blocks again and keeps its place. This is Redis 7.2's re-execution model; it serves pushes
// inside MULTI/EXEC after the transaction, chains (a served BLMOVE feeding another waiter),
// re-created keys and keys of the wrong type (the waiter gets -WRONGTYPE) uniformly.

import type { Client } from './client.js';
import type { Server } from './server.js';
import type { Command } from '../commands/types.js';
import type { Database } from '../keyspace/database.js';
import { KeyMap } from '../keyspace/key-map.js';
import { call } from '../commands/dispatch.js';

export interface BlockRequest {
  /** The keys to wait on (in the client's current database). */
  readonly keys: readonly string[];
  /** Milliseconds to wait; 0 = forever. */
  readonly timeoutMs: number;
  /** Writes the reply for a timeout (nil of the command's shape), also for CLIENT UNBLOCK TIMEOUT. */
  readonly onTimeout: (c: Client) => void;
}

/** A parked client and what it waits for. */
export interface BlockedClient {
  readonly client: Client;
  readonly cmd: Command;
  readonly argv: string[];
  readonly db: Database;
  readonly keys: readonly string[];
  readonly onTimeout: (c: Client) => void;
  timer: NodeJS.Timeout | null;
}

/** Timers cannot wait more than 2^31-1 ms; a longer timeout re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class BlockingManager {
  /** db id -> key -> waiters in arrival order. */
  private readonly waiting = new Map<number, KeyMap<BlockedClient[]>>();
  /** Keys changed since the last serve, as "db id" -> keys. */
  private ready = new Map<Database, Set<string>>();
  private count = 0;
  /** The waiter whose command is being run again (its block() keeps its place). */
  private rerun: BlockedClient | null = null;
  private serving = false;

  constructor(private readonly server: Server) {}

  /** Clients blocked now (INFO blocked_clients). */
  get blockedClients(): number {
    return this.count;
  }

  /** Parks `c`, whose current command (c.currentCommand, c.argv) found nothing to serve. */
  block(c: Client, req: BlockRequest): void {
    if (this.rerun !== null && this.rerun.client === c) {
      // Run again while being served and still nothing: back to its old place.
      c.blocked = this.rerun;
      return;
    }
    const b: BlockedClient = { client: c, cmd: c.currentCommand!, argv: c.argv, db: c.db, keys: [...new Set(req.keys)], onTimeout: req.onTimeout, timer: null };
    let byKey = this.waiting.get(c.db.id);
    if (byKey === undefined) this.waiting.set(c.db.id, (byKey = new KeyMap()));
    for (const key of b.keys) {
      const queue = byKey.get(key);
      if (queue === undefined) byKey.set(key, [b]);
      else queue.push(b);
    }
    c.blocked = b;
    c.parked = true;
    this.count++;
    if (req.timeoutMs > 0) this.armTimer(b, Date.now() + req.timeoutMs);
    this.listen();
  }

  private armTimer(b: BlockedClient, deadline: number): void {
    b.timer = setTimeout(
      () => {
        if (Date.now() < deadline) this.armTimer(b, deadline);
        else this.unblock(b.client, 'timeout');
      },
      Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now())),
    );
  }

  /** Watches the keyspace for changes to waited-on keys only while somebody waits. */
  private listen(): void {
    const ks = this.server.keyspace;
    if (this.count > 0) {
      ks.onKeyChanged = (db, key) => {
        if (this.waiting.get(db.id)?.get(key) === undefined) return;
        let keys = this.ready.get(db);
        if (keys === undefined) this.ready.set(db, (keys = new Set()));
        keys.add(key);
      };
      ks.onSwapped = (a, b) => {
        for (const db of [a, b]) {
          const byKey = this.waiting.get(db.id);
          if (byKey === undefined) continue;
          for (const [key] of byKey.entries()) ks.onKeyChanged?.(db, key);
        }
      };
    } else {
      ks.onKeyChanged = null;
      ks.onSwapped = null;
    }
  }

  /**
   * Serves the waiters of every ready key, in arrival order, until no key is ready (serving
   * one waiter can make another key ready). Called after each execution unit.
   */
  serveReady(): void {
    if (this.ready.size === 0 || this.serving) return;
    this.serving = true;
    try {
      while (this.ready.size > 0) {
        const ready = this.ready;
        this.ready = new Map();
        for (const [db, keys] of ready) {
          for (const key of keys) this.serveKey(db, key);
        }
      }
    } finally {
      this.serving = false;
    }
  }

  private serveKey(db: Database, key: string): void {
    const queue = this.waiting.get(db.id)?.get(key);
    if (queue === undefined) return;
    for (const b of [...queue]) {
      if (b.client.blocked !== b) continue; // served through another key meanwhile
      if (!db.has(key)) return; // nothing left for the rest of the queue
      this.runAgain(b);
    }
  }

  /** Runs a waiter's command again; unless it blocks again, the waiter is done. */
  private runAgain(b: BlockedClient): void {
    const c = b.client;
    const server = this.server;
    c.blocked = null;
    this.rerun = b;
    c.argv = b.argv;
    c.db = b.db;
    c.servedAfterBlocking = true;
    server.propagation.begin();
    try {
      call(server, c, b.cmd);
    } finally {
      server.propagation.end();
      this.rerun = null;
      c.servedAfterBlocking = false;
    }
    if (c.blocked === b) return; // blocked again, same place
    this.release(b);
    server.markForWrite(c);
    server.resumeClient(c);
  }

  /** Ends a wait without running the command (timeout, CLIENT UNBLOCK, disconnect). */
  unblock(c: Client, how: 'timeout' | 'error' | 'disconnected'): boolean {
    const b = c.blocked;
    if (b === null) return false;
    c.blocked = null;
    this.release(b);
    if (how === 'disconnected') return true;
    // The command is accounted for once, when its wait ends (as Redis's updateStatsOnUnblock).
    b.cmd.calls++;
    if (how === 'timeout') b.onTimeout(c);
    else c.reply.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    this.server.markForWrite(c);
    this.server.resumeClient(c);
    return true;
  }

  /** Removes a waiter from its queues and stops its timer. */
  private release(b: BlockedClient): void {
    if (b.timer !== null) clearTimeout(b.timer);
    b.timer = null;
    b.client.parked = false;
    const byKey = this.waiting.get(b.db.id);
    if (byKey !== undefined) {
      for (const key of b.keys) {
        const queue = byKey.get(key);
        if (queue === undefined) continue;
        const i = queue.indexOf(b);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0) byKey.delete(key);
      }
      if (byKey.size === 0) this.waiting.delete(b.db.id);
    }
    this.count--;
    this.listen();
  }
}
