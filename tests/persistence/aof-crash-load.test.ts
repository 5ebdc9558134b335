// Crash safety of AOF loading: bin/nodis-server killed by SIGKILL at random moments while it
// loads a large AOF at start-up (a BASE and an INCR with MULTI blocks in two dbs, ending in a
// torn record). The files are left as they were (except the torn tail, truncated once the load
// reached it) and the next start loads everything: the same digest, sizes and counters as a
// reference load of an untouched copy, which the real redis-server loads alike.
//
// Tunable: NODIS_CRASH_LOAD_KILLS / NODIS_CRASH_LOAD_RECORDS, NODIS_CRASH_SEED.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RespClient, encodeCommand, type RespValue } from '../helpers/resp-client.js';
import { sleep } from '../helpers/calls.js';
import { useScratch } from '../helpers/scratch.js';
import { HAVE_REDIS_CHECK_AOF, NO_REDIS_SERVER, READY, freePort, kill9 } from '../helpers/server-process.js';
import { checkAof, spawnNodis, startNodis, startRedis } from '../helpers/aof-crash-harness.js';
import { between, envInt, value } from '../helpers/aof-crash-writers.js';

const LOAD_KILLS = envInt('NODIS_CRASH_LOAD_KILLS', 4);
const LOAD_RECORDS = envInt('NODIS_CRASH_LOAD_RECORDS', 200_000);

const scratch = useScratch('nodis-crash-load-');

interface BuiltAof {
  readonly files: Map<string, Buffer>;
  /** Size of the INCR without its torn tail. */
  readonly incrValid: number;
  readonly dbsize: [number, number];
  readonly counters: Map<string, number>;
}

/** A largish AOF: `records` commands over a BASE and an INCR (MULTI blocks, two DBs), ending in a torn record. */
function buildAof(records: number): BuiltAof {
  const db0 = new Set<string>();
  const db1 = new Set<string>();
  const counters = new Map<string, number>();
  const base: Buffer[] = [encodeCommand(['SELECT', '0'])];
  const half = Math.floor(records / 2);
  for (let i = 0; i < half; i++) {
    // Mostly list and set elements: cheap for DEBUG DIGEST (one or two SHA1s each), which
    // nodis computes with a createHash per step.
    let cmd: string[];
    const r = i % 20;
    if (r < 8) cmd = ['RPUSH', `l:${i % 97}`, `e${i}`];
    else if (r < 16) cmd = ['SADD', `st:${i % 83}`, `m${i}`];
    else if (r < 18) cmd = ['SET', `s:${i}`, value(i)];
    else if (r === 18) cmd = ['HSET', `h:${i % 89}`, `f${i}`, value(i)];
    else cmd = ['ZADD', `z:${i % 79}`, String(i), `m${i}`];
    db0.add(cmd[1]!);
    base.push(encodeCommand(cmd));
  }
  const incr: Buffer[] = [encodeCommand(['SELECT', '1'])];
  let n = 1;
  for (let i = 0; n < records - half; i++) {
    if (i % 10 === 9) {
      const k = `c:${i % 13}`;
      incr.push(encodeCommand(['MULTI']), encodeCommand(['SET', `t:${i}`, value(i)]), encodeCommand(['INCR', k]), encodeCommand(['EXEC']));
      counters.set(k, (counters.get(k) ?? 0) + 1);
      db1.add(`t:${i}`).add(k);
      n += 4;
    } else {
      const cmd = i % 2 === 0 ? ['RPUSH', `ul:${i % 101}`, value(i)] : ['SADD', `us:${i % 103}`, `m${i}`];
      incr.push(encodeCommand(cmd));
      db1.add(cmd[1]!);
      n++;
    }
  }
  const incrBuf = Buffer.concat(incr);
  const torn = encodeCommand(['SET', 'torn', 'never-loaded']).subarray(0, 20);
  const files = new Map<string, Buffer>([
    ['appendonly.aof.1.base.aof', Buffer.concat(base)],
    ['appendonly.aof.1.incr.aof', Buffer.concat([incrBuf, torn])],
    ['appendonly.aof.manifest', Buffer.from('file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n')],
  ]);
  return { files, incrValid: incrBuf.length, dbsize: [db0.size, db1.size], counters };
}

function writeAof(dir: string, built: BuiltAof): void {
  const aofDir = path.join(dir, 'appendonlydir');
  fs.mkdirSync(aofDir, { recursive: true });
  for (const [name, buf] of built.files) fs.writeFileSync(path.join(aofDir, name), buf);
}

async function datasetSummary(port: number): Promise<{ digest: RespValue; sizes: RespValue[]; counters: Map<string, RespValue> }> {
  const c = await RespClient.connect(port);
  try {
    c.send('DEBUG', 'DIGEST');
    const digest = await c.read(60_000);
    const sizes = [await c.call('DBSIZE')];
    await c.call('SELECT', 1);
    sizes.push(await c.call('DBSIZE'));
    const counters = new Map<string, RespValue>();
    for (let i = 0; i < 13; i++) counters.set(`c:${i}`, await c.call('GET', `c:${i}`));
    return { digest, sizes, counters };
  } finally {
    c.close();
  }
}

test('kill -9 during start-up loading: the files are untouched and the next start loads everything', async (t) => {
  const built = buildAof(LOAD_RECORDS);
  const incrName = 'appendonly.aof.1.incr.aof';
  const origIncr = built.files.get(incrName)!;
  const expectedCounters = new Map<string, RespValue>();
  for (let i = 0; i < 13; i++) expectedCounters.set(`c:${i}`, built.counters.has(`c:${i}`) ? String(built.counters.get(`c:${i}`)) : null);

  // A reference load of an untouched copy: its duration, and the dataset to expect.
  const refDir = scratch.dir('loadref');
  writeAof(refDir, built);
  const refPort = await freePort();
  const ref = spawnNodis(refDir, refPort, 'everysec');
  let loadStart: number;
  let loadEnd: number;
  let expected: Awaited<ReturnType<typeof datasetSummary>>;
  try {
    loadStart = await ref.waitLine(/Server initialized/);
    loadEnd = await ref.waitLine(READY, 120_000);
    assert.match(ref.output(), new RegExp(`Truncating the AOF ${incrName.replace(/\./g, '\\.')} at offset ${built.incrValid} `));
    expected = await datasetSummary(refPort);
  } finally {
    await kill9(ref);
  }
  assert.deepEqual(expected.sizes, built.dbsize, 'DBSIZE of db 0 and db 1 after the reference load');
  assert.deepEqual(expected.counters, expectedCounters, 'the INCR counters written inside MULTI blocks');
  const loadMs = loadEnd - loadStart;
  await t.test('redis-server loads the same dataset from these files', { skip: NO_REDIS_SERVER }, async () => {
    const rdir = scratch.dir('loadredis');
    writeAof(rdir, built);
    const redis = await startRedis(rdir);
    try {
      const got = await datasetSummary(redis.port);
      assert.deepEqual(got, expected, 'redis-server loads the same dataset (digest, sizes, counters)');
    } finally {
      await kill9(redis);
    }
  });

  // Kills at random moments of the load, on one directory.
  const dir = scratch.dir('load');
  writeAof(dir, built);
  const aofDir = path.join(dir, 'appendonlydir');
  let midLoad = 0;
  let truncatedBeforeKill = 0;
  const delays: number[] = [];
  for (let k = 0; k < LOAD_KILLS; k++) {
    const p = spawnNodis(dir, await freePort(), 'everysec');
    try {
      await p.waitLine(/Server initialized/);
      // Stratified: kill k lands in the k-th slice of the load (the last one may fall just
      // after it, once the torn tail was cut).
      const slice = (loadMs * 1.05) / LOAD_KILLS;
      // The first kill comes early, so that one lands in the load even if this start is much faster.
      const delay = k === 0 ? between(0, Math.floor(slice / 2)) : between(Math.floor(k * slice), Math.floor((k + 1) * slice));
      delays.push(delay);
      await sleep(delay);
    } finally {
      await kill9(p);
    }
    const out = p.output();
    if (!out.includes('DB loaded from append only file')) midLoad++;
    // Loading modifies nothing but a torn tail, which it truncates once it reaches it.
    const names = fs.readdirSync(aofDir).filter((n) => n !== 'temp-appendonly.aof.manifest').sort();
    assert.deepEqual(names, [...built.files.keys()].sort(), `kill ${k + 1}: the files in appendonlydir`);
    for (const [name, buf] of built.files) {
      const now = fs.readFileSync(path.join(aofDir, name));
      if (name === incrName && !now.equals(buf)) {
        assert.ok(now.equals(origIncr.subarray(0, built.incrValid)), `kill ${k + 1}: the INCR changed other than by cutting its torn tail (size ${now.length})`);
        assert.ok(out.includes(`!!! Truncating the AOF ${incrName} at offset ${built.incrValid} !!!`), `kill ${k + 1}: truncated without logging it:\n${out}`);
        truncatedBeforeKill++;
        continue;
      }
      assert.ok(now.equals(buf), `kill ${k + 1}: ${name} was modified by a killed load (size ${buf.length} -> ${now.length})`);
    }
  }
  assert.ok(LOAD_KILLS === 0 || midLoad > 0, `no kill landed during the load (load takes ${loadMs} ms; delays ${delays.join(', ')})`);

  const final = await startNodis(dir, 'everysec');
  try {
    const got = await datasetSummary(final.port);
    assert.deepEqual(got, expected, 'after the killed loads, a start loads the whole dataset');
  } finally {
    await kill9(final);
  }
  assert.equal(fs.statSync(path.join(aofDir, incrName)).size, built.incrValid, 'only the torn tail was cut');
  if (HAVE_REDIS_CHECK_AOF) {
    const r = await checkAof(dir);
    assert.equal(r.code, 0, `redis-check-aof after the loads:\n${r.stdout}`);
  }
  t.diagnostic(
    `load kill: ${LOAD_RECORDS} records (${built.files.get('appendonly.aof.1.base.aof')!.length + origIncr.length} bytes), load takes ~${loadMs} ms; ` +
      `${LOAD_KILLS} kills at ${delays.join(', ')} ms into the load, ${midLoad} during loading, ${truncatedBeforeKill} after the tail was truncated`,
  );
});
