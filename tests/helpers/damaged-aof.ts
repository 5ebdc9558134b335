// Starting servers on damaged AOF directories (tests/persistence/aof-damaged-*.test.ts): the
// directories (laid out from a map of files), in-process starts whose failure is an
// AofFatalError carrying the lines Redis logs before exit(1), the log file read back, the
// bin/nodis-server executable as a child next to the real redis-server 7.0.15 (exit code and
// log must agree), and redis-check-aof next to nodis-check-aof on the same files. Also the
// sample records and Redis's texts the expectations are built from.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AofFatalError } from '../../src/index.js';
import { nodeAofFs, type AofFs } from '../../src/aof/fs.js';
import { startTestServer, type TestServer } from './server.js';
import { RespClient } from './resp-client.js';
import { aofDir, resp } from './aof-files.js';
import { checkAofInProcess, runCheckAof } from './check-aof.js';
import { useScratch } from './scratch.js';
import { HAVE_REDIS_CHECK_AOF, HAVE_REDIS_SERVER, REDIS_CHECK_AOF, freePort, readyOrExit, spawnServer, type ServerKind } from './server-process.js';

export const BASE_NAME = 'appendonly.aof.1.base.aof';
export const INCR_NAME = 'appendonly.aof.1.incr.aof';
export const MANIFEST = `file ${BASE_NAME} seq 1 type b\nfile ${INCR_NAME} seq 1 type i\n`;
export const LOADING = '-LOADING Redis is loading the dataset in memory\r\n';
export const EMPTY_DIGEST = '0'.repeat(40);

export const uxeof = (name: string) =>
  `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
export const badFormat = (name: string) =>
  `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`;
export const revert = (name: string) => `Revert incomplete MULTI/EXEC transaction in AOF file ${name}`;
export const shortRead = (name: string, at: number) => [
  `!!! Warning: short read while loading the AOF file ${name}!!!`,
  `!!! Truncating the AOF ${name} at offset ${at} !!!`,
  `AOF ${name} loaded anyway because aof-load-truncated is enabled`,
];
export const manifestFatal = (reason: string, at?: { line: number; text: string }) => [
  '\n*** FATAL AOF MANIFEST FILE ERROR ***\n',
  ...(at === undefined ? [] : [`Reading the manifest file, at line ${at.line}\n`, `>>> '${at.text}'\n`]),
  `${reason}\n`,
];

export const L = (s: string) => Buffer.from(s, 'latin1');

/** Records of a valid BASE, and of a valid INCR (which damaged tails follow). */
export const BASE_RECORDS = resp('SELECT', '0') + resp('SET', 'base', '1') + resp('RPUSH', 'list', 'from-base');
export const VALID = resp('SELECT', '0') + resp('SET', 'k2', 'v2') + resp('RPUSH', 'l', 'a');

/** The real file layer without the fsyncs: the thousands of starts need no durability. */
export const noSyncFs: AofFs = {
  ...nodeAofFs,
  fsync: () => {},
  fdatasyncAsync: (_fd, done) => setImmediate(() => done(null)),
  fsyncDir: () => {},
};

/** A log file's lines as level + text ("0.000 seconds" timings replaced by "<t> seconds"). */
export function readLog(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const out: string[] = [];
  const re = /^\d+:[A-Z] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/s;
  const lines = fs.readFileSync(file, 'latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const m = re.exec(line);
    out.push(m === null ? `? ${line}` : `${m[1]} ${m[2]!.replace(/: \d+\.\d{3} seconds$/, ': <t> seconds')}`);
  }
  return out;
}
export const N = (t: string) => `* ${t}`;
export const W = (t: string) => `# ${t}`;

/** Redis's serverLog lines with embedded newlines as the log file shows them (level + text). */
export function asLogged(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const parts = l.split('\n');
    out.push(W(parts[0]!), ...parts.slice(1).map((p) => `? ${p}`));
  }
  return out;
}

export type StartResult = { ok: true; srv: TestServer; log: string[] } | { ok: false; error: AofFatalError; log: string[] };

export interface DamagedAof {
  /** A fresh data dir with `files` (relative paths; appendonlydir/ is created when needed). */
  makeDir(files: Record<string, string | Buffer>): string;
  /** A file of `dir`'s appendonlydir, as latin1. */
  readAof(dir: string, name: string): string;
  /** Starts an in-process server with AOF on `dir` (`fast`: without fsyncs); the log goes to `<dir>.log` (read here). */
  start(dir: string, options?: Record<string, string | number>, fast?: boolean): Promise<StartResult>;
  stop(srv: TestServer): Promise<void>;
  /** Another in-process server to stop at the end if the test does not. */
  keep(srv: TestServer): TestServer;
  started(r: StartResult): TestServer;
  failed(r: StartResult): AofFatalError;
  /** One command on a connection of its own: the reply's bytes. */
  call(srv: TestServer, ...argv: string[]): Promise<string>;
  digest(srv: TestServer): Promise<string>;
  /**
   * Runs `bin` (nodis-server or redis-server) on `dir` until it logs "Ready to accept
   * connections" (then SIGKILL: 'running') or exits; returns the exit code and the AOF-related
   * log lines from "Server initialized" on.
   */
  runCli(kind: ServerKind, dir: string, extra?: string[]): Promise<{ exit: number | null | 'running'; log: string[] }>;
  /**
   * The CLI check of a fatal case: nodis-server exits 1 after logging `lines` (and, when
   * redis-server is installed, Redis does exactly the same on an identical copy of the files).
   */
  cliFatal(files: Record<string, string | Buffer>, lines: string[], extra?: string[]): Promise<void>;
  /**
   * redis-check-aof and nodis-check-aof on the same manifest or file: the same stdout (program
   * name and the log prefix of manifest errors normalised) and the same exit code. nodis's runs
   * as the bin/nodis-check-aof child process, or (`inproc`, for long series) as that program's
   * main() in this process, in the same working directory.
   */
  checkersAgree(files: Record<string, string | Buffer>, target: string, t: { diagnostic(m: string): void }, inproc?: boolean): Promise<void>;
}

/** The helpers above on this test file's scratch directory (released in its after() hook). */
export function useDamagedAof(prefix: string): DamagedAof {
  const scratch = useScratch(prefix);
  const makeDir = (files: Record<string, string | Buffer>): string => {
    const dir = scratch.dir();
    for (const [rel, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), typeof data === 'string' ? L(data) : data);
    }
    return dir;
  };
  const call = async (srv: TestServer, ...argv: string[]): Promise<string> => {
    const c = await RespClient.connect(srv.port);
    try {
      return await c.callRaw(...argv);
    } finally {
      c.close();
    }
  };
  const runCli = async (kind: ServerKind, dir: string, extra: string[] = []): Promise<{ exit: number | null | 'running'; log: string[] }> => {
    const port = await freePort();
    const args = ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--save', '', '--loglevel', 'notice', '--logfile', '', '--daemonize', 'no', ...extra];
    const p = spawnServer(kind, args, port);
    const exit = await readyOrExit(p, 15000);
    if (exit === 'running') {
      p.child.kill('SIGKILL');
      await p.closed;
    }
    const lines = p.stdout().split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const from = lines.findIndex((l) => / Server initialized$/.test(l));
    const re = /^\d+:[A-Z] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/;
    const log = lines
      .slice(from)
      .map((l) => {
        const m = re.exec(l);
        return m === null ? `? ${l}` : `${m[1]} ${m[2]!.replace(/: \d+\.\d{3} seconds$/, ': <t> seconds')}`;
      })
      // Not about the AOF: this machine's overcommit setting (Redis only).
      .filter((l) => !l.startsWith('# WARNING Memory overcommit'));
    return { exit, log };
  };
  return {
    makeDir,
    readAof: (dir, name) => fs.readFileSync(path.join(aofDir(dir), name), 'latin1'),
    async start(dir, options = {}, fast = false) {
      const logfile = `${dir}.log`;
      fs.rmSync(logfile, { force: true });
      try {
        const srv = await startTestServer(
          { dir, appendonly: 'yes', 'aof-use-rdb-preamble': 'no', loglevel: 'notice', logfile, ...options },
          fast ? { aofFs: noSyncFs } : {},
        );
        scratch.keep(srv);
        return { ok: true, srv, log: readLog(logfile) };
      } catch (err) {
        if (!(err instanceof AofFatalError)) throw err;
        return { ok: false, error: err, log: readLog(logfile) };
      }
    },
    stop: (srv) => scratch.stop(srv),
    keep: (srv) => scratch.keep(srv),
    started(r) {
      if (!r.ok) assert.fail(`the server did not start: ${JSON.stringify(r.error.logLines)}; log: ${JSON.stringify(r.log)}`);
      return r.srv;
    },
    failed(r) {
      if (r.ok) assert.fail(`the server started; log: ${JSON.stringify(r.log)}`);
      return r.error;
    },
    call,
    async digest(srv) {
      const r = await call(srv, 'DEBUG', 'DIGEST');
      assert.match(r, /^\+[0-9a-f]{40}\r\n$/);
      return r.slice(1, 41);
    },
    runCli,
    async cliFatal(files, lines, extra = []) {
      const [ours, theirs] = await Promise.all([runCli('nodis', makeDir(files), extra), HAVE_REDIS_SERVER ? runCli('redis', makeDir(files), extra) : null]);
      assert.equal(ours.exit, 1, JSON.stringify(ours.log));
      const tail = ours.log.slice(-lines.length);
      assert.deepEqual(tail, lines, JSON.stringify(ours.log));
      if (theirs !== null) assert.deepEqual(ours, theirs, 'nodis-server and redis-server 7.0.15 log and exit alike');
    },
    async checkersAgree(files, target, t, inproc = false) {
      if (!HAVE_REDIS_CHECK_AOF) {
        t.diagnostic(`${REDIS_CHECK_AOF} is not installed: nodis-check-aof is not compared on ${target}`);
        return;
      }
      const dir = makeDir(files);
      const cwd = path.join(dir, path.dirname(target));
      const arg = path.basename(target);
      const norm = (s: string) => s.replace(/^\d+:C \d\d \w{3} \d{4} [\d:.]+ # /gm, 'LOG ').replace(/^Usage: \S+/m, 'Usage: PROG');
      const theirs = runCheckAof('redis', [arg], { cwd });
      const ours = inproc ? { ...checkAofInProcess([arg], { cwd }), stderr: '' } : await runCheckAof('nodis', [arg], { cwd });
      const r = await theirs;
      assert.equal(ours.stderr, '', `nodis-check-aof's stderr on ${target}`);
      assert.deepEqual({ code: ours.code, out: norm(ours.stdout) }, { code: r.code, out: norm(r.stdout) }, `nodis-check-aof and redis-check-aof differ on ${target}`);
      assert.notEqual(norm(ours.stdout), '');
    },
  };
}
