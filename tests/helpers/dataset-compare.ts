// Whole datasets read over the wire and compared: every key of every database with its TYPE,
// its full value (read with the type's read command), PEXPIRETIME and PTTL, plus DEBUG DIGEST;
// two reads are the same dataset when they have the same keys in the same databases with the
// same types, values and absolute expire times, PTTLs that agree (within the time between the
// reads, or a given tolerance) and the same digest.

import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { RespClient, type RespValue } from './resp-client.js';
import { ok, pipeline } from './calls.js';

export interface KeyState {
  readonly type: string;
  /** Lists in order; sets sorted; hashes as [field, value] pairs sorted by field; zsets as [member, score] pairs in order. */
  readonly value: RespValue;
  readonly pexpiretime: number;
  /** At read time; -1 without a TTL. */
  readonly pttl: number;
}

export interface Dataset {
  readonly digest: string;
  /** `<db> <key>` -> state, by db, then by key. */
  readonly keys: Map<string, KeyState>;
  /** Date.now() when the keys began to be read. */
  readonly at: number;
}

function pairs(flat: RespValue): string[][] {
  const a = flat as string[];
  const out: string[][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
}

/** Reads every key of databases 0..dbs-1 through `c` (left on db 0). */
export async function readDataset(c: RespClient, dbs = 16): Promise<Dataset> {
  const d = String(await ok(c, 'DEBUG', 'DIGEST'));
  assert.match(d, /^[0-9a-f]{40}$/);
  const keys = new Map<string, KeyState>();
  const at = Date.now();
  for (let db = 0; db < dbs; db++) {
    await ok(c, 'SELECT', db);
    const names = ((await ok(c, 'KEYS', '*')) as string[]).sort();
    for (const key of names) {
      const [type, pexpiretime, pttl] = (await pipeline(c, [['TYPE', key], ['PEXPIRETIME', key], ['PTTL', key]])) as [string, number, number];
      let value: RespValue;
      if (type === 'string') value = await ok(c, 'GET', key);
      else if (type === 'list') value = await ok(c, 'LRANGE', key, 0, -1);
      else if (type === 'hash') value = pairs(await ok(c, 'HGETALL', key)).sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0));
      else if (type === 'set') value = ((await ok(c, 'SMEMBERS', key)) as string[]).sort();
      else if (type === 'zset') value = pairs(await ok(c, 'ZRANGE', key, 0, -1, 'WITHSCORES'));
      else assert.fail(`unexpected type ${type} of ${showKey(key)} in db ${db}`);
      keys.set(`${db} ${key}`, { type, value, pexpiretime: Number(pexpiretime), pttl: Number(pttl) });
    }
  }
  await ok(c, 'SELECT', 0);
  return { digest: d, keys, at };
}

/** readDataset on a connection of its own. */
export async function readDatasetAt(port: number): Promise<Dataset> {
  const c = await RespClient.connect(port);
  try {
    return await readDataset(c);
  } finally {
    c.close();
  }
}

export const showKey = (k: string): string => JSON.stringify(k.length > 60 ? k.slice(0, 60) + '...' : k);

export interface CompareOptions {
  /**
   * How far the PTTLs of a key may be apart (ms). Default: `actual` was read after `expected`,
   * so the TTL may have shrunk by the time between the two reads (plus 1 s), never grown.
   */
  readonly pttlToleranceMs?: number;
}

/** Same keys in the same databases with the same types, values, expire times and digest. */
export function assertSameDataset(actual: Dataset, expected: Dataset, label: string, opts: CompareOptions = {}): void {
  assert.deepEqual([...actual.keys.keys()], [...expected.keys.keys()], `${label}: the keys of every db`);
  const elapsed = actual.at - expected.at;
  for (const [k, e] of expected.keys) {
    const a = actual.keys.get(k)!;
    assert.equal(a.type, e.type, `${label}: TYPE of ${showKey(k)}`);
    assert.equal(a.pexpiretime, e.pexpiretime, `${label}: PEXPIRETIME of ${showKey(k)}`);
    if (!isDeepStrictEqual(a.value, e.value)) assert.fail(`${label}: value of ${showKey(k)} (${e.type}) differs: ${firstDifference(a.value, e.value)}`);
    if (e.pttl < 0) assert.equal(a.pttl, e.pttl, `${label}: PTTL of ${showKey(k)}`);
    else if (opts.pttlToleranceMs !== undefined) {
      assert.ok(a.pttl > 0 && Math.abs(a.pttl - e.pttl) < opts.pttlToleranceMs, `${label}: PTTL of ${showKey(k)}: ${a.pttl} vs ${e.pttl}`);
    } else {
      // Measured at different moments: the TTL has shrunk by about the time in between.
      assert.ok(a.pttl > 0 && a.pttl <= e.pttl + 1 && e.pttl - a.pttl <= elapsed + 1000, `${label}: PTTL of ${showKey(k)}: ${e.pttl} then ${a.pttl} (${elapsed} ms apart)`);
    }
  }
  assert.equal(actual.digest, expected.digest, `${label}: DEBUG DIGEST`);
}

/** Where two values first differ, briefly (values can be megabytes). */
export function firstDifference(a: RespValue, b: RespValue): string {
  if (typeof a === 'string' && typeof b === 'string') {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return `lengths ${a.length} vs ${b.length}, first difference at offset ${i}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const i = a.findIndex((x, j) => !isDeepStrictEqual(x, b[j]));
    return `lengths ${a.length} vs ${b.length}, first difference at index ${i}: ${JSON.stringify(a[i])?.slice(0, 80)} vs ${JSON.stringify(b[i])?.slice(0, 80)}`;
  }
  return `${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
}
