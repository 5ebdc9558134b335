// The records of an AOF rewrite: the commands that rebuild each key, exactly as Redis 7.0's
// rewriteAppendOnlyFileRio (aof.c, aof-use-rdb-preamble no) writes them into a BASE file.
//
//   string  SET key value
//   list    RPUSH key e1 .. e64, RPUSH key e65 .. e128, ...        (head to tail)
//   set     SADD key m1 .. m64, ...
//   zset    ZADD key score1 member1 .. score64 member64, ...       (scores as "%.17g")
//   hash    HMSET key f1 v1 .. f64 v64, ...
//   then, when the key has a TTL: PEXPIREAT key <absolute unix ms>
//
// A command carries at most AOF_REWRITE_ITEMS_PER_CMD (64) elements or pairs; Redis sizes each
// one from the count still to write, so every command but the last is full. Keys whose TTL
// has passed but that are still in the dict are written too (7.0 checks no expiry here).
// Databases with no keys are skipped; the SELECT before each database's first record is the
// consumer's business (AofFeed.feedOp writes it on every change of db, as Redis does once per
// non-empty database).
//
// Element order is what nodis iterates: head to tail for lists, ascending (score, member) for
// sorted sets, listpack/insertion order for hashes, ascending for intset sets. Redis matches
// that for lists, listpack sorted sets, listpack hashes and intsets; for a hashtable set or
// hash and a skiplist sorted set it walks its dict, whose order is its own (a rewrite reloads
// into the same data either way).
//
// Runs once per key over the whole dataset, so it allocates little: argv arrays are reused
// (one per record length, kept for the walk), so `emit` must use or copy argv before it
// returns. Only the strings a record needs (scores, the expiry) are created.

import type { Database } from '../keyspace/database.js';
import type { Value } from '../keyspace/types.js';
import { ListValue } from '../keyspace/list.js';
import { HashValue } from '../keyspace/hash.js';
import { SetValue } from '../keyspace/set.js';
import { ZSet } from '../keyspace/zset.js';
import { NIL } from '../keyspace/skiplist.js';
import { formatDouble } from '../resp/numbers.js';

/** What the records of a key depend on: a live Entry, or a snapshot's copy of one. */
export interface KeyState {
  readonly value: Value;
  readonly expireAt: number;
}

/** AOF_REWRITE_ITEMS_PER_CMD: elements (or field/value, score/member pairs) per command. */
export const AOF_REWRITE_ITEMS_PER_CMD = 64;

/** Receives one record; argv is only valid during the call (copy it to keep it). */
export type RecordSink = (argv: readonly string[]) => void;

/**
 * Reusable argv arrays, one per length, and the batching state of the collection being
 * written: start() announces how many items follow, add()/addPair() fill commands and emit
 * each full one.
 */
export class RecordWriter {
  private readonly byLength: (string[] | undefined)[] = [];
  private emit: RecordSink = () => {};
  private cmd = '';
  private key = '';
  /** Items (pairs count as one) not yet placed in a command. */
  private remaining = 0;
  private argv: string[] = [];
  /** Next free position in argv; argv.length when the current command is full. */
  private at = 0;

  /** Set members and list elements, as a callback that needs no closure per key. */
  readonly addOne = (item: string): void => {
    if (this.at === this.argv.length) this.open(1);
    this.argv[this.at++] = item;
    if (this.at === this.argv.length) this.emit(this.argv);
  };

  /** Hash fields and values. */
  readonly addPair = (a: string, b: string): void => {
    if (this.at === this.argv.length) this.open(2);
    const argv = this.argv;
    argv[this.at++] = a;
    argv[this.at++] = b;
    if (this.at === argv.length) this.emit(argv);
  };

  /** An array of exactly `length` slots, reused for every record of that length. */
  array(length: number): string[] {
    let a = this.byLength[length];
    if (a === undefined) {
      a = new Array<string>(length).fill('');
      this.byLength[length] = a;
    }
    return a;
  }

  /** A three-argument record (SET, PEXPIREAT). */
  three(emit: RecordSink, cmd: string, key: string, arg: string): void {
    const argv = this.array(3);
    argv[0] = cmd;
    argv[1] = key;
    argv[2] = arg;
    emit(argv);
  }

  /** Starts a collection of `items` items (pairs count as one), written as `cmd key ...`. */
  start(emit: RecordSink, cmd: string, key: string, items: number): void {
    this.emit = emit;
    this.cmd = cmd;
    this.key = key;
    this.remaining = items;
    this.argv = this.array(0);
    this.at = 0;
  }

  /** Opens the next command, sized for what is left (at most 64 items of `width` args). */
  private open(width: number): void {
    const items = this.remaining < AOF_REWRITE_ITEMS_PER_CMD ? this.remaining : AOF_REWRITE_ITEMS_PER_CMD;
    if (items <= 0) throw new Error(`AOF rewrite: ${this.cmd} ${this.key} has more items than its size said`);
    this.remaining -= items;
    const argv = this.array(2 + items * width);
    argv[0] = this.cmd;
    argv[1] = this.key;
    this.argv = argv;
    this.at = 2;
  }

  /** Ends the collection: it must have delivered exactly the items announced. */
  finish(): void {
    if (this.remaining !== 0 || this.at !== this.argv.length) {
      throw new Error(`AOF rewrite: ${this.cmd} ${this.key} ended with items missing`);
    }
    this.emit = () => {};
    this.key = '';
    this.argv = this.array(0);
  }

  /** Every record of one key. */
  writeKey(key: string, entry: KeyState, emit: RecordSink): void {
    // `value`, not the stored form: a string being edited as a ByteString comes back as a string.
    const value = entry.value;
    if (typeof value === 'string') {
      this.three(emit, 'SET', key, value);
    } else if (value instanceof ListValue) {
      const n = value.length;
      this.start(emit, 'RPUSH', key, n);
      for (let i = 0; i < n; i++) this.addOne(value.at(i));
      this.finish();
    } else if (value instanceof SetValue) {
      // scan() walks an intset in ascending order, a hashtable set in slot order.
      this.start(emit, 'SADD', key, value.size);
      const count = value.size;
      let cursor = 0;
      do cursor = value.scan(cursor, count, this.addOne);
      while (cursor !== 0);
      this.finish();
    } else if (value instanceof ZSet) {
      this.start(emit, 'ZADD', key, value.size);
      for (let h = value.first(); h !== NIL; h = value.next(h)) this.addPair(formatDouble(value.scoreOf(h)), value.memberOf(h));
      this.finish();
    } else if (value instanceof HashValue) {
      this.start(emit, 'HMSET', key, value.size);
      const count = value.size;
      let cursor = 0;
      do cursor = value.scan(cursor, count, this.addPair);
      while (cursor !== 0);
      this.finish();
    } else {
      throw new Error(`AOF rewrite: no records for a value of type ${value.type}`);
    }
    if (entry.expireAt !== 0) this.three(emit, 'PEXPIREAT', key, String(entry.expireAt));
  }
}

/** Calls emit(argv) for each record of one key, in Redis's order (argv valid during the call). */
export function rewriteKey(key: string, entry: KeyState, emit: RecordSink): void {
  new RecordWriter().writeKey(key, entry, emit);
}

/**
 * Walks every non-empty database (ascending id) and every key in it, expired-but-present
 * ones included, calling emit(db, argv) for each record (argv valid during the call only).
 */
export function rewriteDataset(dbs: readonly Database[], emit: (db: number, argv: readonly string[]) => void): void {
  const writer = new RecordWriter();
  const sorted = isAscending(dbs) ? dbs : [...dbs].sort((a, b) => a.id - b.id);
  for (const db of sorted) {
    if (db.size === 0) continue;
    const id = db.id;
    const sink: RecordSink = (argv) => emit(id, argv);
    for (const e of db.entries()) writer.writeKey(e.key, e, sink);
  }
}

function isAscending(dbs: readonly Database[]): boolean {
  for (let i = 1; i < dbs.length; i++) if (dbs[i - 1]!.id >= dbs[i]!.id) return false;
  return true;
}
