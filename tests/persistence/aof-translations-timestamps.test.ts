// What lands in the AOF at a fresh start, checked on the files' bytes: the first write after
// start is preceded by SELECT (even for db 0) over an empty BASE; aof-timestamp-enabled yes:
// `#TS:<unix s>` in the start-up BASE, then at most one annotation per second in the INCR
// (before the SELECT; none in the BASE's second); CONFIG SET aof-timestamp-enabled at runtime.
//
// Each case runs on a fresh nodis (appendfsync always) and, as a second test, on a fresh
// redis-server 7.0.15 with the same settings (skipped only when the binary is missing): both
// must give exactly the expected bytes (tests/helpers/aof-translations.ts).

import assert from 'node:assert/strict';
import { aofItems, readBase } from '../helpers/aof-files.js';
import { ok } from '../helpers/calls.js';
import { assertAof, bothKinds, inOneSecond, nextSecond, sec, useFreshServers, within } from '../helpers/aof-translations.js';

const fresh = useFreshServers('nodis-aof-translations-ts-');

bothKinds('the first write after start is preceded by SELECT, even for db 0', async (kind) => {
  const s = await fresh(kind, {});
  try {
    assert.equal(s.tail.all(), '', 'empty INCR at start');
    await ok(s.c, 'GET', 'x');
    await ok(s.c, 'SET', 'a', '1');
    await ok(s.c, 'SET', 'b', '1');
    assertAof(s.tail.next(), [['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '1']], kind);
    assert.equal(readBase(s.dir)!.toString('latin1'), '', 'empty BASE');
  } finally {
    await s.stop();
  }
});


bothKinds('aof-timestamp-enabled yes: #TS:<unix s> in the start-up BASE, then at most one per second in the INCR, before the SELECT', async (kind) => {
  const secStart = sec(Date.now());
  const s = await fresh(kind, { 'aof-timestamp-enabled': 'yes' });
  const secReady = sec(Date.now());
  try {
    const base = readBase(s.dir)!.toString('latin1');
    const m = /^#TS:(\d+)\r\n$/.exec(base);
    assert.ok(m, `${kind}: BASE is ${JSON.stringify(base)}`);
    const baseTs = Number(m[1]);
    assert.ok(baseTs >= secStart && baseTs <= secReady, `${kind}: BASE #TS:${baseTs} outside ${secStart}..${secReady}`);

    // A new second: one annotation, before the SELECT and the records of that second.
    await ok(s.c, 'SELECT', 2);
    await inOneSecond(
      s,
      () => ok(s.c2, 'SET', 'reset', '1'), // the file's db is 0 again
      async () => {
        await ok(s.c, 'SET', 'a', '1');
        await ok(s.c, 'SET', 'b', '2');
      },
      (t) => [{ ts: String(t) }, ['SELECT', '2'], ['SET', 'a', '1'], ['SET', 'b', '2']],
    );
    // A read, and a whole second with no write: no annotation. Then a transaction.
    await inOneSecond(
      s,
      async () => {
        await ok(s.c, 'GET', 'a');
        await nextSecond();
      },
      async () => {
        await ok(s.c, 'MULTI');
        await ok(s.c, 'SET', 'c', '1');
        await ok(s.c, 'SET', 'd', '1');
        await ok(s.c, 'EXEC');
        await ok(s.c, 'SET', 'e', '1');
      },
      (t) => [{ ts: String(t) }, ['MULTI'], ['SET', 'c', '1'], ['SET', 'd', '1'], ['EXEC'], ['SET', 'e', '1']],
    );

    // Many writes over about 1.5 s: one annotation per second that has a record, increasing.
    const seconds = new Set<number>();
    const deadline = Date.now() + 1500;
    for (let i = 0; Date.now() < deadline; i++) {
      const before = sec(Date.now());
      await ok(s.c, 'SET', `k${i}`, 'v');
      const after = sec(Date.now());
      seconds.add(before);
      seconds.add(after);
    }
    const items = aofItems(s.tail.next());
    const ts = items.flatMap((it) => ('ts' in it ? [it.ts] : []));
    assert.ok(ts.length >= 1 && ts.length <= seconds.size, `${kind}: ${ts.length} annotations for seconds ${[...seconds].join(',')}`);
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! > ts[i - 1]!, `${kind}: annotations increase`);
    for (const v of ts) assert.ok(seconds.has(v), `${kind}: #TS:${v} is not a second of the writes`);
    assert.ok(!('ts' in items[items.length - 1]!), `${kind}: an annotation is followed by a record`);
  } finally {
    await s.stop();
  }
});

bothKinds('aof-timestamp-enabled yes: a write in the second of the BASE\'s annotation gets none', async (kind) => {
  // Start right after a second begins, so the first write most likely shares the BASE's second.
  for (let attempt = 0; attempt < 3; attempt++) {
    await nextSecond();
    const s = await fresh(kind, { 'aof-timestamp-enabled': 'yes' });
    try {
      const baseTs = Number(/^#TS:(\d+)\r\n$/.exec(readBase(s.dir)!.toString('latin1'))![1]);
      const t0 = Date.now();
      await ok(s.c, 'SET', 'a', '1');
      if (sec(t0) !== baseTs || sec(Date.now()) !== baseTs) continue; // a second went by: try again
      assertAof(s.tail.next(), [['SELECT', '0'], ['SET', 'a', '1']], kind);
      return;
    } finally {
      await s.stop();
    }
  }
  assert.fail('could not write within the BASE\'s second in 3 attempts');
});

bothKinds('CONFIG SET aof-timestamp-enabled yes at runtime: the next write gets an annotation', async (kind) => {
  const s = await fresh(kind, {});
  try {
    await ok(s.c, 'SET', 'a', '1');
    await ok(s.c, 'CONFIG', 'SET', 'aof-timestamp-enabled', 'yes');
    const t0 = Date.now();
    await ok(s.c, 'SET', 'b', '1');
    const t1 = Date.now();
    await ok(s.c, 'CONFIG', 'SET', 'aof-timestamp-enabled', 'no');
    await nextSecond();
    await ok(s.c, 'SET', 'c', '1');
    assertAof(s.tail.next(), [['SELECT', '0'], ['SET', 'a', '1'], { ts: within(sec(t0), sec(t1)) }, ['SET', 'b', '1'], ['SET', 'c', '1']], kind);
  } finally {
    await s.stop();
  }
});
