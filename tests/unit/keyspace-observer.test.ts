// The snapshot hook (KeyspaceObserver): a point-in-time view built only from what the hook
// reports must reproduce the dataset as it was when the view was taken, whatever commands
// run afterwards. Commands run through the real dispatcher with an internal client.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Config } from '../../src/server/config.js';
import { Server } from '../../src/server/server.js';
import type { Database, KeyspaceObserver } from '../../src/keyspace/database.js';
import type { Entry } from '../../src/keyspace/types.js';

type Row = string; // "db|key|value|expireAt"

function row(db: number, e: Entry): Row {
  return `${db}|${e.key}|${String(e.value)}|${e.expireAt}`;
}

function dump(server: Server): Row[] {
  const out: Row[] = [];
  for (const db of server.keyspace.dbs) for (const e of db.entries()) out.push(row(db.id, e));
  return out.sort();
}

/** A naive view: remembers which entries existed, and the pre-image of each one that changes. */
class TestView implements KeyspaceObserver {
  private readonly origin = new Map<Entry, number>();
  private readonly saved = new Map<Entry, Row>();

  constructor(server: Server) {
    for (const db of server.keyspace.dbs) for (const e of db.entries()) this.origin.set(e, db.id);
  }

  private save(db: Database, e: Entry): void {
    if (this.origin.has(e) && !this.saved.has(e)) this.saved.set(e, row(db.id, e));
  }

  beforeEntryChange(db: Database, e: Entry): void {
    this.save(db, e);
  }

  beforeClear(db: Database): void {
    for (const e of db.entries()) this.save(db, e);
  }

  beforeSwap(a: Database, b: Database): void {
    for (const e of a.entries()) this.save(a, e);
    for (const e of b.entries()) this.save(b, e);
  }

  /** The dataset at the time the view was taken. */
  rows(): Row[] {
    const out: Row[] = [];
    for (const [e, db] of this.origin) out.push(this.saved.get(e) ?? row(db, e));
    return out.sort();
  }
}

const KEYS = ['a', 'b', 'c', 'd'];
const keyArb = fc.constantFrom(...KEYS);
const dbArb = fc.constantFrom('0', '1', '2');
const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(keyArb, fc.string({ maxLength: 3 })).map(([k, v]) => ['SET', k, v]),
  fc.tuple(keyArb, fc.string({ maxLength: 2 })).map(([k, v]) => ['APPEND', k, v]),
  keyArb.map((k) => ['INCR', k]),
  keyArb.map((k) => ['DEL', k]),
  keyArb.map((k) => ['GETDEL', k]),
  fc.tuple(keyArb, fc.integer({ min: -50, max: 200 })).map(([k, d]) => ['PEXPIREAT', k, `@${d}`]),
  fc.tuple(keyArb, fc.integer({ min: 1, max: 200 })).map(([k, d]) => ['SET', k, 'x', 'PX', String(d)]),
  keyArb.map((k) => ['PERSIST', k]),
  keyArb.map((k) => ['GET', k]),
  fc.tuple(keyArb, keyArb).map(([a, b]) => ['RENAME', a, b]),
  fc.tuple(keyArb, dbArb).map(([k, db]) => ['MOVE', k, db]),
  fc.tuple(keyArb, keyArb).map(([a, b]) => ['COPY', a, b, 'REPLACE']),
  dbArb.map((db) => ['SELECT', db]),
  fc.tuple(dbArb, dbArb).map(([a, b]) => ['SWAPDB', a, b]),
  fc.constant<string[]>(['FLUSHDB']),
  fc.constant<string[]>(['FLUSHALL']),
  fc.constant<string[]>(['TICK']),
  fc.constant<string[]>(['ACTIVE-EXPIRE']),
);

test('a view built from the hook equals the dataset at snapshot time', () => {
  const config = new Config();
  config.set('databases', '3');
  const server = new Server(config);
  const ks = server.keyspace;
  fc.assert(
    fc.property(fc.array(commandArb, { maxLength: 40 }), fc.array(commandArb, { maxLength: 40 }), (before, after) => {
      ks.flushAll();
      const t0 = Date.now();
      ks.time = t0;
      const client = server.createInternalClient();
      const run = (argv: string[]) => {
        if (argv[0] === 'TICK') {
          ks.time += 20;
          return;
        }
        if (argv[0] === 'ACTIVE-EXPIRE') {
          server.expireCycle.run(5);
          ks.time = Math.max(ks.time, Date.now());
          return;
        }
        const resolved = argv.map((a) => (a.startsWith('@') ? String(t0 + Number(a.slice(1))) : a));
        server.executeRequest(client, resolved);
      };
      before.forEach(run);
      const expected = dump(server);
      const view = new TestView(server);
      ks.addObserver(view);
      try {
        after.forEach(run);
        assert.deepEqual(view.rows(), expected);
      } finally {
        ks.removeObserver(view);
      }
    }),
    { numRuns: 300 },
  );
});

test('the hook sees the old state: overwrite, TTL change, in-place write, removal', () => {
  const server = new Server(new Config());
  const ks = server.keyspace;
  const db = ks.dbs[0]!;
  const seen: string[] = [];
  ks.addObserver({
    beforeEntryChange: (_db, e) => seen.push(`${e.key}=${String(e.value)}@${e.expireAt}`),
    beforeClear: (d) => seen.push(`clear ${d.id}`),
    beforeSwap: (a, b) => seen.push(`swap ${a.id} ${b.id}`),
  });
  db.add('k', 'v1'); // new keys need no hook
  db.set('k', 'v2');
  const later = ks.time + 100_000;
  db.setExpire('k', later);
  db.persist('k');
  const list = { type: 'list' as const, items: ['x'], clone() { return { ...this, items: [...this.items] }; } };
  db.add('l', list);
  db.lookupWrite('l'); // a collection obtained for writing may be mutated in place
  db.lookupWrite('k'); // a string cannot: no event
  db.delete('k');
  ks.flushDb(db);
  ks.swap(0, 1);
  assert.deepEqual(seen, ['k=v1@0', 'k=v2@0', `k=v2@${later}`, 'l=[object Object]@0', 'k=v2@0', 'clear 0', 'swap 0 1']);
});
