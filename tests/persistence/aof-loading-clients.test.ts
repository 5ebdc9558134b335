// What a client sees while a long AOF loads at start-up: -LOADING for PING and SET, INFO
// loading_* fields progressing, ioredis waiting for the end of the load, then the whole dataset.
//
// The server runs in-process on a prepared directory (tests/helpers/damaged-aof.ts), the load
// stretched by key-load-delay so that clients arrive while it runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { RespClient } from '../helpers/resp-client.js';
import { resp } from '../helpers/aof-files.js';
import { sleep } from '../helpers/calls.js';
import { freePort } from '../helpers/server-process.js';
import { BASE_NAME, BASE_RECORDS, INCR_NAME, LOADING, MANIFEST, N, useDamagedAof } from '../helpers/damaged-aof.js';

const { makeDir, start, stop, started } = useDamagedAof('nodis-aof-loading-clients-');

// ---- loading: -LOADING, INFO loading_*, ioredis ----------------------------------------------------

test('while a long AOF loads: -LOADING for PING and SET, INFO loading_* progressing; ioredis waits for the end', async () => {
  const n = 30000;
  let incr = resp('SELECT', '0');
  for (let i = 0; i < n; i++) incr += resp('SET', `key:${i}`, `value:${i}`);
  const dir = makeDir({
    [`appendonlydir/${BASE_NAME}`]: BASE_RECORDS,
    [`appendonlydir/${INCR_NAME}`]: incr,
    'appendonlydir/appendonly.aof.manifest': MANIFEST,
  });
  const total = BASE_RECORDS.length + incr.length;
  const port = await freePort();
  const t0 = Math.floor(Date.now() / 1000);
  // key-load-delay: microseconds per replayed command (a hidden config): stretches the load.
  const starting = start(dir, { port, 'key-load-delay': 50 });
  let loadedAt = 0;
  void starting.then(() => (loadedAt = Date.now()));
  let c: RespClient | null = null;
  for (let i = 0; c === null; i++) {
    c = await RespClient.connect(port).catch(() => null);
    if (c === null) {
      assert.ok(i < 500, 'the server never listened');
      await sleep(10);
    }
  }
  try {
    assert.equal(await c.callRaw('PING'), LOADING, 'the first client must arrive during the load (raise n or key-load-delay)');
    assert.equal(await c.callRaw('SET', 'x', 'y'), LOADING);
    assert.equal(await c.callRaw('GET', 'key:0'), LOADING);
    // ioredis, created now: its ready check sees loading:1 and retries after loading_eta_seconds.
    const io = new Redis({ port, maxRetriesPerRequest: 3, maxLoadingRetryTime: 300 });
    let readyAt = 0;
    io.once('ready', () => (readyAt = Date.now()));
    const ioResult = Promise.all([io.set('from-ioredis', '1'), io.get('key:7'), io.dbsize()]);
    ioResult.catch(() => {});
    try {
      const samples: Record<string, string>[] = [];
      for (let i = 0; i < 3; i++) {
        const info = String(await c.call('INFO', 'persistence'));
        const fields = Object.fromEntries(info.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
        samples.push(fields);
        await sleep(200);
      }
      assert.equal(loadedAt, 0, 'still loading after the samples (raise n or key-load-delay)');
      let prev = -1;
      for (const s of samples) {
        assert.equal(s['loading'], '1', JSON.stringify(s));
        assert.equal(s['async_loading'], '0');
        assert.equal(s['aof_enabled'], '0');
        const start = Number(s['loading_start_time']);
        assert.ok(start >= t0 && start <= Math.floor(Date.now() / 1000), `loading_start_time ${start}`);
        assert.equal(s['loading_total_bytes'], String(total));
        assert.equal(s['loading_rdb_used_mem'], '0');
        const loaded = Number(s['loading_loaded_bytes']);
        assert.ok(loaded > prev && loaded < total, `loading_loaded_bytes ${loaded} after ${prev}`);
        prev = loaded;
        assert.equal(s['loading_loaded_perc'], ((loaded * 100) / total).toFixed(2));
        assert.match(s['loading_eta_seconds']!, /^\d+$/);
      }
      const r = await starting;
      const srv = started(r);
      assert.ok(loadedAt > 0);
      // After the load.
      assert.equal(await c.callRaw('PING'), '+PONG\r\n');
      // ioredis's queued SET may already have run (both clients are released by the load's end).
      const dbsize = await c.callRaw('DBSIZE');
      assert.ok(dbsize === `:${n + 2}\r\n` || dbsize === `:${n + 3}\r\n`, JSON.stringify(dbsize));
      assert.equal(await c.callRaw('GET', `key:${n - 1}`), `$${`value:${n - 1}`.length}\r\nvalue:${n - 1}\r\n`);
      assert.equal(await c.callRaw('EXISTS', 'x'), ':0\r\n', 'the SET refused during the load did nothing');
      const info = String(await c.call('INFO', 'persistence'));
      assert.match(info, /\r\nloading:0\r\n/);
      assert.doesNotMatch(info, /loading_start_time/);
      assert.match(info, /\r\naof_enabled:1\r\n/);
      // ioredis: its commands ran after the load ended, without errors.
      const [set, get, size] = await ioResult;
      assert.equal(set, 'OK');
      assert.equal(get, 'value:7');
      assert.ok(size === n + 2 || size === n + 3, String(size));
      assert.ok(readyAt >= loadedAt, `ioredis became ready ${loadedAt - readyAt} ms before the load ended`);
      assert.equal(await c.callRaw('GET', 'from-ioredis'), '$1\r\n1\r\n');
      assert.deepEqual(r.log.slice(-3), [
        N(`DB loaded from incr file ${INCR_NAME}: <t> seconds`),
        N('DB loaded from append only file: <t> seconds'),
        N(`Opening AOF incr file ${INCR_NAME} on server start`),
      ]);
      await stop(srv);
    } finally {
      io.disconnect();
    }
  } finally {
    c.close();
  }
});
