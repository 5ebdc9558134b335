// Replaying the scenarios of tests/fixtures/aof/redis-7.0.15-load-logs.json against the
// bin/nodis-server executable (tests/persistence/aof-load-*.test.ts): the same files, the same
// arguments (with this run's port and dir), the same client actions afterwards (as
// capture-load-logs.sh's act_* functions); the outcome (exit code, log from "Server
// initialized" on, every file afterwards, the manifest, the observations) compared with
// Redis's. Lines that only Redis prints for reasons outside the AOF (this machine's overcommit
// setting, verbose connection lines, the keyspace cron line) are filtered out, and the lines
// only nodis prints are listed in NODIS_EXTRA_LINES.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RespClient } from './resp-client.js';
import { infoFields, sleep } from './calls.js';
import { waitFor } from './server.js';
import { useScratch } from './scratch.js';
import { exitCode, freePort, readyOrExit, spawnServer, type ServerProcess } from './server-process.js';
import { fixtureListing, layFiles, listFiles, type Files, type LogEntry, type Scenario } from './load-fixture.js';

export const START_MS = 15000;

// ---- logs -------------------------------------------------------------------------------------

const LINE_RE = /^(\d+):([A-Za-z]) \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/s;

/** stdout from the first "Server initialized" line on, parsed as the capture script does. */
export function parseLog(stdout: string, pid: number): LogEntry[] {
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const start = lines.findIndex((l) => / Server initialized$/.test(l));
  assert.ok(start >= 0, `no "Server initialized" line in: ${stdout}`);
  return lines.slice(start).map((line) => {
    const m = LINE_RE.exec(line);
    if (m === null) return { role: null, level: null, text: line };
    assert.equal(Number(m[1]), pid, `log line with another pid: ${line}`);
    return { role: m[2]!, level: m[3]!, text: m[4]! };
  });
}

/** Lines that are not about the AOF: this machine's sysctl, connection chatter, the keyspace cron line. */
export function aboutAof(e: LogEntry): boolean {
  if (e.level === '#' && e.text.startsWith('WARNING Memory overcommit must be enabled!')) return false;
  if (e.level === '-' && (e.text.startsWith('Accepted ') || e.text.startsWith('Client closed connection '))) return false;
  if (e.level === '-' && /^DB \d+: \d+ keys \(\d+ volatile\) in \d+ slots HT\.$/.test(e.text)) return false;
  return true;
}

/**
 * Lines nodis prints that Redis 7.0.15 does not, all of them about what nodis does not have yet
 * (RDB). They are allowed wherever they appear; a scenario that expects one lists it in its own
 * expectation too.
 */
export const NODIS_EXTRA_LINES: readonly RegExp[] = [
  /^aof-use-rdb-preamble is yes, but nodis does not write RDB yet: AOF base files are written in RESP, as with aof-use-rdb-preamble no\.$/,
];

/** Run-to-run variation: load and write times (pids are checked in parseLog). */
export function normalise(e: LogEntry): string {
  const text = e.text
    .replace(/^(DB loaded from .*): \d+\.\d{3} seconds$/, '$1: <t> seconds')
    .replace(/^(AOF base file \S+ written in) \d+\.\d{3} seconds/, '$1 <t> seconds');
  return `${e.role ?? '-'} ${e.level ?? '-'} ${text}`;
}

/**
 * nodis logs "Ready to accept connections tcp" (the 7.2 form: Redis 7.0.15 has no " tcp"), so
 * that harnesses waiting for either version's line work; see src/cli/server-main.ts and
 * tests/cli/server-cli.test.ts. Everything else is compared as Redis logs it.
 */
export function redisToNodis(e: LogEntry): LogEntry {
  return e.text === 'Ready to accept connections' ? { ...e, text: 'Ready to accept connections tcp' } : e;
}

export function expectedLog(entries: readonly LogEntry[]): string[] {
  return entries.filter(aboutAof).map(redisToNodis).map(normalise);
}

export function actualLog(entries: readonly LogEntry[]): string[] {
  return entries.filter(aboutAof).filter((e) => !NODIS_EXTRA_LINES.some((re) => re.test(e.text))).map(normalise);
}

export const N = (text: string): LogEntry => ({ role: 'M', level: '*', text });
export const W = (text: string): LogEntry => ({ role: 'M', level: '#', text });
export const SHUTDOWN_LINES = [W('User requested shutdown...'), N('Calling fsync() on the AOF file.'), W('Redis is now ready to exit, bye bye...')];

// ---- client actions (as capture-load-logs.sh's act_* functions) ------------------------------------

export type Obs = Record<string, unknown>;
export type Connect = () => Promise<RespClient>;
export type Action = (c: Connect, dir: string) => Promise<Obs>;

async function oneShot(connect: () => Promise<RespClient>, ...argv: string[]): Promise<string> {
  const c = await connect();
  try {
    return await c.callRaw(...argv);
  } finally {
    c.close();
  }
}
/** redis-cli's rendering of an integer reply. */
export async function cliInt(connect: () => Promise<RespClient>, ...argv: string[]): Promise<string> {
  const r = await oneShot(connect, ...argv);
  assert.match(r, /^:-?\d+\r\n$/, `${argv.join(' ')}: ${r}`);
  return r.slice(1, -2);
}
export async function cliKeys(connect: () => Promise<RespClient>): Promise<string[]> {
  const c = await connect();
  try {
    const r = await c.call('KEYS', '*');
    assert.ok(Array.isArray(r));
    return (r as string[]).map(String).sort();
  } finally {
    c.close();
  }
}
export const obsResp = async (connect: () => Promise<RespClient>, ...argv: string[]) => ({ command: argv, reply: await oneShot(connect, ...argv) });
async function infoSection(connect: () => Promise<RespClient>, section: string): Promise<Record<string, string>> {
  const c = await connect();
  try {
    return Object.fromEntries(await infoFields(c, section));
  } finally {
    c.close();
  }
}

/**
 * As the capture script's wait_rewrite: until INFO shows no AOF rewrite running or scheduled;
 * then (for its wait_log and sleep 0.2) until the history files removed in the background are
 * gone: every file of the AOF directory is the manifest or named in it.
 */
export async function waitRewrite(connect: Connect, dir: string): Promise<void> {
  await waitFor(
    async () => {
      const i = Object.fromEntries(await infoFieldsOnce(connect));
      return i['aof_rewrite_in_progress'] === '0' && i['aof_rewrite_scheduled'] === '0';
    },
    20_000,
    'the AOF rewrite',
  );
  const aofDir = path.join(dir, 'appendonlydir');
  await waitFor(
    () => {
      const manifest = fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1');
      return fs.readdirSync(aofDir).every((f) => f === 'appendonly.aof.manifest' || manifest.includes(`file ${f} `));
    },
    2000,
    'the history files to be removed',
  );
}

async function infoFieldsOnce(connect: Connect): Promise<[string, string][]> {
  const c = await connect();
  try {
    return await infoFields(c, 'persistence');
  } finally {
    c.close();
  }
}

export const actDefault = async (c: Connect): Promise<Obs> => ({ dbsize: await cliInt(c, 'DBSIZE'), keys: await cliKeys(c) });

export const ACTIONS: Record<string, Action> = {
  '1-timestamp': async (c) => {
    const o = await actDefault(c);
    await sleep(1100); // a later second than the base's #TS, so the incr gets its own annotation
    return { ...o, set_a: await obsResp(c, 'SET', 'a', '1'), set_b: await obsResp(c, 'SET', 'b', '2') };
  },
  '11': async (c) => ({ ...(await actDefault(c)), get_k: await obsResp(c, 'GET', 'k') }),
  '17': act17,
  '17-no-active-expire': act17,
  '18-debug-loadaof': async (c) => ({
    ...(await actDefault(c)),
    set_k3: await obsResp(c, 'SET', 'k3', 'v3'),
    debug_loadaof: await obsResp(c, 'DEBUG', 'LOADAOF'),
    dbsize_after: await cliInt(c, 'DBSIZE'),
    keys_after: await cliKeys(c),
  }),
  '18-config-appendonly': async (c, dir) => {
    const o: Obs = { ...(await actDefault(c)) };
    o['set_a'] = await obsResp(c, 'SET', 'a', '1');
    o['set_b'] = await obsResp(c, 'SET', 'b', '2');
    o['config_set_appendonly_no'] = await obsResp(c, 'CONFIG', 'SET', 'appendonly', 'no');
    o['files_after_appendonly_no'] = listFiles(dir);
    o['set_c'] = await obsResp(c, 'SET', 'c', '3');
    o['config_set_appendonly_yes'] = await obsResp(c, 'CONFIG', 'SET', 'appendonly', 'yes');
    await waitRewrite(c, dir);
    o['files_after_appendonly_yes'] = listFiles(dir);
    o['info_persistence_after'] = await infoSection(c, 'persistence');
    o['set_d'] = await obsResp(c, 'SET', 'd', '4');
    o['keys_after'] = await cliKeys(c);
    return o;
  },
  '19': async (c) => ({ set_a: await obsResp(c, 'SET', 'a', '1') }),
};

export async function act17(c: Connect): Promise<Obs> {
  return {
    dbsize_right_away: await cliInt(c, 'DBSIZE'),
    exists_k: await cliInt(c, 'EXISTS', 'k'),
    dbsize_after_exists: await cliInt(c, 'DBSIZE'),
    keys: await cliKeys(c),
    info_keyspace: await infoSection(c, 'keyspace'),
    expired_keys: (await infoSection(c, 'stats'))['expired_keys'],
  };
}

// ---- one scenario -------------------------------------------------------------------------------

export interface Outcome {
  readonly exit: 'running' | number | null;
  readonly log: LogEntry[];
  readonly files: ReturnType<typeof listFiles>;
  readonly manifest: string | null;
  readonly obs: Obs;
  readonly stderr: string;
  /** The server process's pid (the pid in its log lines). */
  readonly pid?: number;
}

export interface Expectation {
  readonly exit: 'running' | number;
  readonly log: string[];
  readonly files: ReturnType<typeof fixtureListing>;
  readonly manifest: string | null;
  readonly obs: Obs;
}

export function fromFixture(s: Scenario): Expectation {
  return {
    exit: s.exit_code,
    log: expectedLog(s.log),
    files: fixtureListing(s.files_after),
    manifest: s.manifest_after,
    obs: s.observations,
  };
}

export function compare(id: string, got: Outcome, want: Expectation): void {
  const ctx = `scenario ${id}; nodis stdout log: ${JSON.stringify(got.log.map(normalise), null, 1)}; stderr: ${got.stderr}`;
  assert.equal(got.exit, want.exit, `exit: ${ctx}`);
  assert.deepEqual(actualLog(got.log), want.log, `log: ${ctx}`);
  assert.deepEqual(got.files, want.files, `files after: ${ctx}`);
  assert.equal(got.manifest, want.manifest, `manifest after: ${ctx}`);
  assert.deepEqual(got.obs, want.obs, `observations: ${ctx}`);
}

export interface LoadScenarios {
  /** A fresh directory (under this file's scratch root, removed at the end). */
  newDir(): string;
  /** nodis-server with `argv` as a child process, in the scratch root (not waited for). */
  spawnNodis(argv: readonly string[], port: number): ServerProcess;
  /** Lays out `files` (unless `opts.dir` is given), starts nodis-server with `args`, acts, shuts down; everything observed. */
  runScenario(args: readonly string[], files: Files, action: Action | null, opts?: { dir?: string }): Promise<Outcome>;
}

/** Scenario runs whose directories and processes are released in this test file's after() hook. */
export function useLoadScenarios(prefix: string): LoadScenarios {
  const scratch = useScratch(prefix);
  const spawnNodis = (argv: readonly string[], port: number): ServerProcess => spawnServer('nodis', argv, port, scratch.root);
  return {
    newDir: () => scratch.dir(),
    spawnNodis,
    async runScenario(args, files, action, opts = {}) {
      const dir = opts.dir ?? scratch.dir();
      if (opts.dir === undefined) layFiles(dir, files);
      const port = await freePort();
      const argv = args.map((a) => (a === '<port>' ? String(port) : a === '<dir>' ? dir : a));
      const run = spawnNodis(argv, port);
      const state = await readyOrExit(run, START_MS);
      const obs: Obs = {};
      let exit: 'running' | number | null = state;
      if (state === 'running') {
        const connect = () => RespClient.connect(port);
        Object.assign(obs, await (action ?? actDefault)(connect, dir));
        const c = await connect();
        c.send('SHUTDOWN');
        await c.waitClosed();
        obs['shutdown_reply'] = { command: ['SHUTDOWN'], reply: c.unread };
        c.close();
        obs['shutdown_exit_code'] = await exitCode(run, START_MS);
      } else {
        exit = state;
      }
      const manifestPath = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
      return {
        exit,
        log: parseLog(run.stdout(), run.child.pid!),
        files: listFiles(dir),
        manifest: fs.existsSync(manifestPath) ? fs.readFileSync(manifestPath, 'latin1') : null,
        obs,
        stderr: run.stderr(),
        pid: run.child.pid!,
      };
    },
  };
}
