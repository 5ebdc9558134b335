// The harness of the INCR translation tests (tests/persistence/aof-translations-*.test.ts): a
// scenario runs on nodis (appendfsync always: the record is written, and fsynced, before the
// reply) and, as a second test, on a real redis-server 7.0.15 with the same settings
// (appendonly yes, aof-use-rdb-preamble no; skipped only when the binary is missing); what it
// appended to the INCR must be exactly the expected bytes, the only freedom being in values no
// client controls, each checked against a window (placeholders: within(lo, hi)). The INCR is
// read after the reply: Redis writes the AOF before it sends replies.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { RespClient, type RespValue } from './resp-client.js';
import { startTestServer, type TestServer } from './server.js';
import { FileTail, aofItems, lastIncrPath, resp } from './aof-files.js';
import { ok, sleep, waitBlocked } from './calls.js';
import { useScratch, type Scratch } from './scratch.js';
import { HAVE_REDIS_SERVER, NO_REDIS_SERVER, connectWhenReady, freePort, spawnServer, type ServerProcess } from './server-process.js';

// ---- expected records with placeholders -------------------------------------------------------

/** An argument no client controls, accepted when `test` holds. */
export class Placeholder {
  constructor(
    readonly label: string,
    readonly test: (v: string) => boolean,
  ) {}
}

/** An integer (ms, or s for #TS) in [lo, hi]. */
export function within(lo: number, hi: number): Placeholder {
  return new Placeholder(`<${lo}..${hi}>`, (v) => /^[1-9]\d*$/.test(v) && Number(v) >= lo && Number(v) <= hi);
}

export type Arg = string | Placeholder;
export type Expected = Arg[] | { readonly ts: Arg };

/** Asserts that `actual` (file bytes) is exactly `expected`, placeholders matched by value. */
export function assertAof(actual: string, expected: readonly Expected[], who: string): void {
  let items: ReturnType<typeof aofItems> = [];
  try {
    items = aofItems(actual);
  } catch {
    // Not clean RESP: the byte comparison below shows it.
  }
  const fill = (a: Arg, got: string | undefined): string => {
    if (typeof a === 'string') return a;
    return got !== undefined && a.test(got) ? got : a.label;
  };
  let want = '';
  const wantLines: string[] = [];
  expected.forEach((e, i) => {
    const it = items[i];
    if (Array.isArray(e)) {
      const argv = it !== undefined && 'argv' in it ? it.argv : [];
      const filled = e.map((a, j) => fill(a, argv[j]));
      want += resp(...filled);
      wantLines.push(line(filled));
    } else {
      const ts = fill(e.ts, it !== undefined && 'ts' in it ? String(it.ts) : undefined);
      want += `#TS:${ts}\r\n`;
      wantLines.push(`#TS:${ts}`);
    }
  });
  // Records one per line first (a readable diff), then the exact bytes.
  if (items.length > 0) assert.deepEqual(items.map((it) => ('ts' in it ? `#TS:${it.ts}` : line(it.argv))), wantLines, `${who}: INCR records`);
  assert.equal(actual, want, `${who}: INCR bytes`);
}

/** A record on one line, arguments JSON-quoted only when they need it. */
function line(argv: readonly string[]): string {
  return argv.map((a) => (/^[\x21-\x7e]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

// ---- the two servers ------------------------------------------------------------------------

export interface Side {
  readonly name: 'nodis' | 'redis-server';
  /** The main client and a second one (blocking pops, other dbs). */
  readonly c: RespClient;
  readonly c2: RespClient;
  readonly tail: FileTail;
  readonly dir: string;
  /** One more client (closed at the end of the file). */
  client(): Promise<RespClient>;
}

const COMMON: Record<string, string> = { appendonly: 'yes', appendfsync: 'always', 'aof-use-rdb-preamble': 'no' };

async function startNodis(scratch: Scratch, options: Record<string, string> = {}): Promise<Side & { srv: TestServer }> {
  const dir = scratch.dir();
  const srv = scratch.keep(await startTestServer({ ...COMMON, ...options, dir }));
  const connect = async () => scratch.client(await RespClient.connect(srv.port));
  return { name: 'nodis', srv, c: await connect(), c2: await connect(), tail: new FileTail(lastIncrPath(dir)), dir, client: connect };
}

async function startRedis(scratch: Scratch, options: Record<string, string> = {}): Promise<Side & { proc: ServerProcess }> {
  const dir = scratch.dir();
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--enable-debug-command', 'yes', '--logfile', 'redis.log'];
  for (const [k, v] of Object.entries({ ...COMMON, ...options })) args.push(`--${k}`, v);
  const proc = spawnServer('redis', args, port);
  (await connectWhenReady(proc, 10_000)).close();
  const connect = async () => scratch.client(await RespClient.connect(port));
  return { name: 'redis-server', proc, c: await connect(), c2: await connect(), tail: new FileTail(lastIncrPath(dir)), dir, client: connect };
}

// ---- scenarios ----------------------------------------------------------------------------------

/** Runs a command, with the wall-clock window around it. */
export async function timed(c: RespClient, ...args: (string | number)[]): Promise<{ t0: number; t1: number; reply: RespValue }> {
  const t0 = Date.now();
  const reply = await ok(c, ...args);
  return { t0, t1: Date.now(), reply };
}

/** Sends a blocking command on `s.c2`, waits until it blocks, runs `push` on `s.c`, returns the served reply. */
export async function served(s: Side, block: (string | number)[], push: (string | number)[]): Promise<RespValue> {
  s.c2.send(...block);
  await waitBlocked(s.c, 1);
  await ok(s.c, ...push);
  return s.c2.read();
}

/**
 * Keys that expire at `at`, set with an absolute PXAT: the same bytes on both servers, and
 * the same bytes even if `at` has passed when a SET arrives (SET ... PXAT is written as sent).
 */
export async function setExpiring(s: Side, keys: [string, string][], at: number): Promise<Expected[]> {
  const out: Expected[] = [];
  for (const [k, v] of keys) {
    await ok(s.c, 'SET', k, v, 'PXAT', at);
    out.push(['SET', k, v, 'PXAT', String(at)]);
  }
  return out;
}

export async function waitPast(at: number): Promise<void> {
  while (Date.now() <= at + 5) await sleep(at + 10 - Date.now());
}

export type Check = (actual: string, who: string) => void;
export type Run = (s: Side) => Promise<Expected[] | Check>;

/** Clean state on both sides: db 0 everywhere, the file's db is 0, empty dataset. */
async function prelude(s: Side): Promise<void> {
  await ok(s.c, 'SELECT', 0);
  await ok(s.c2, 'SELECT', 0);
  await ok(s.c, 'DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  await ok(s.c, 'FLUSHALL');
  s.tail.discardAppended();
}

async function runOn(side: Side, run: Run): Promise<void> {
  await prelude(side);
  const expected = await run(side);
  const actual = side.tail.next();
  if (typeof expected === 'function') expected(actual, side.name);
  else assertAof(actual, expected, side.name);
}


/**
 * Starts nodis and redis-server for this test file's scenarios (in before(); released in
 * after()) and returns scenario(): it registers a scenario twice, on nodis and on
 * redis-server 7.0.15 (the reference).
 */
export function useScenarios(prefix: string): (name: string, run: Run) => void {
  const scratch = useScratch(prefix);
  let nodis: Side;
  let redis: Side | null = null;
  before(async () => {
    nodis = await startNodis(scratch);
    if (HAVE_REDIS_SERVER) redis = await startRedis(scratch);
  });
  return (name, run) => {
    test(`nodis: ${name}`, async () => {
      await runOn(nodis, run);
    });
    test(`redis-server 7.0.15: ${name}`, { skip: NO_REDIS_SERVER }, async () => {
      assert.ok(redis !== null);
      await runOn(redis, run);
    });
  };
}

// ---- a fresh start of either server -----------------------------------------------------------------

export type Kind = 'nodis' | 'redis-server';
export type Fresh = Side & { stop(): Promise<void> };

/** fresh(kind, options): a server of its own, started now (released in this file's after()). */
export function useFreshServers(prefix: string): (kind: Kind, options: Record<string, string>) => Promise<Fresh> {
  const scratch = useScratch(prefix);
  return async (kind, options) => {
    if (kind === 'nodis') {
      const s = await startNodis(scratch, options);
      return { ...s, stop: () => scratch.stop(s.srv) };
    }
    const s = await startRedis(scratch, options);
    return {
      ...s,
      stop: async () => {
        s.proc.child.kill('SIGKILL');
      },
    };
  };
}

/** Registers `fn` twice: for nodis and for redis-server 7.0.15. */
export function bothKinds(name: string, fn: (kind: Kind) => Promise<void>, timeout = 20_000): void {
  test(`nodis: ${name}`, { timeout }, async () => fn('nodis'));
  test(`redis-server 7.0.15: ${name}`, { skip: NO_REDIS_SERVER, timeout }, async () => fn('redis-server'));
}

export const sec = (ms: number) => Math.floor(ms / 1000);

/** Sleeps until just after the next second starts; returns that second. */
export async function nextSecond(): Promise<number> {
  const now = Date.now();
  await sleep(1000 - (now % 1000) + 30);
  return sec(Date.now());
}

/**
 * Runs `prep`, then `body` right after a second starts, and checks what `body` appended against
 * `expected(thatSecond)`. When `body` ends in a later second (a slow machine), tries again (3 times).
 */
export async function inOneSecond(s: Side, prep: () => Promise<unknown>, body: () => Promise<void>, expected: (t: number) => Expected[]): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await prep();
    s.tail.discardAppended();
    const t = await nextSecond();
    await body();
    if (sec(Date.now()) !== t) continue;
    assertAof(s.tail.next(), expected(t), s.name);
    return;
  }
  assert.fail('could not run the commands within one second in 3 attempts');
}
