// What a server needs from its persistence — the AOF (src/aof/aof.ts) — and the hooks that
// are not configuration (tests inject the AOF's file layer through them).

import type { AofFs } from '../aof/fs.js';
import type { Client } from './client.js';
import type { PersistenceInfo } from './info-persistence.js';

/** BGREWRITEAOF's reply: a status line, or an error (without the "-"). */
export type RewriteReply = { readonly ok: string } | { readonly error: string };

export interface PersistenceModule {
  /** Before replies are released: write (and by policy fsync) what this turn logged. */
  beforeSleep(): void;
  cron(): void;
  /** The -MISCONF text while writes must be refused, else null. */
  writeDeniedReason(): string | null;
  /** Takes a reply that must wait for durability (appendfsync always); true if taken. */
  holdReply(c: Client, out: Buffer | null, close: boolean): boolean;
  /** BGREWRITEAOF: reply() gets the status line or the error text, maybe later. */
  bgrewriteaof(reply: (r: RewriteReply) => void): void;
  /** prepareForShutdown: false (logged) if the AOF cannot let the server exit now. */
  mayShutdown(force: boolean): boolean;
  /** SHUTDOWN and close(): stop a rewrite; flush, fsync, close the file (idempotent). */
  shutdown(): void;
  /** DEBUG LOADAOF: reload the dataset from the AOF (a failure crashes the server). */
  debugLoadAof(): void;
  /** Loads the dataset at start-up (the server listens and answers -LOADING meanwhile). */
  loadAtStartup(): Promise<void>;
  /** CONFIG SET of a persistence parameter; an error text fails the CONFIG SET. */
  applyConfig(name: string, value: unknown): string | null;
  info(): PersistenceInfo;
}

/** Test and embedding hooks that are not configuration. */
export interface ServerInternals {
  /** The file layer of the AOF (tests inject faults through it). */
  readonly aofFs?: AofFs;
}
