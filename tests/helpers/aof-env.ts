// In-process servers on scratch directories with the AOF's log captured line by line (level +
// text), for the tests of the AOF configuration, its faults and its fsync policies; optionally
// with the AOF files behind a FaultFs (tests/helpers/fault-fs.ts). Also the INCR they append to.
//
//   const envs = useAofEnvs('nodis-aof-faults-', { appendonly: 'yes' });
//   const env = await envs.startFaulty(envs.freshDir(), { appendfsync: 'always' });
//   env.ffs.failWrites('ENOSPC');  ...  env.log.count('#', 'Error writing ...');
//   await envs.stop(env);

import fs from 'node:fs';
import path from 'node:path';
import type { ServerOptions } from '../../src/index.js';
import type { RespClient } from './resp-client.js';
import { startTestServer, type TestServer } from './server.js';
import { resp } from './aof-files.js';
import { FaultFs } from './fault-fs.js';
import { useScratch } from './scratch.js';

/** The INCR of a directory's first start, relative to the directory. */
export const INCR = path.join('appendonlydir', 'appendonly.aof.1.incr.aof');
export const incrSize = (dir: string): number => fs.statSync(path.join(dir, INCR)).size;
export const incrText = (dir: string): string => fs.readFileSync(path.join(dir, INCR)).toString('latin1');
/** The record that starts the INCR of a first start. */
export const SELECT0 = resp('SELECT', '0');

const LOG_RE = /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/;

/** A log sink keeping every line as level + text. */
export class LogLines {
  readonly lines: { readonly level: string; readonly text: string }[] = [];

  write(raw: string): void {
    // Never throw here: this runs inside the server's logger.
    const m = LOG_RE.exec(raw);
    this.lines.push(m ? { level: m[1]!, text: m[2]! } : { level: '?', text: raw });
  }

  count(level: string, text: string): number {
    return this.lines.filter((l) => l.level === level && l.text === text).length;
  }

  countPrefix(prefix: string): number {
    return this.lines.filter((l) => l.text.startsWith(prefix)).length;
  }

  dump(): string {
    return this.lines.map((l) => `${l.level} ${l.text}`).join('\n');
  }
}

export interface AofEnv {
  readonly srv: TestServer;
  readonly log: LogLines;
  readonly dir: string;
}

export interface FaultEnv extends AofEnv {
  readonly ffs: FaultFs;
}

export interface AofEnvs {
  /** A new empty directory (removed at the end of the file). */
  freshDir(): string;
  /** A server on `dir` (RESP base, notice log to nodis.log and captured), with `options` over the defaults. */
  start(dir: string, options?: ServerOptions): Promise<AofEnv>;
  /** start() and a client. */
  open(dir: string, options?: ServerOptions): Promise<AofEnv & { readonly c: RespClient }>;
  /** The same, its AOF files behind `ffs`. */
  startFaulty(dir: string, options?: ServerOptions, ffs?: FaultFs): Promise<FaultEnv>;
  stop(env: AofEnv | FaultEnv): Promise<void>;
  /** Another in-process server to stop at the end if the test does not. */
  keep(srv: TestServer): TestServer;
}

/** Servers whose directories, FaultFs timers and leftovers are released in this test file's after() hook. */
export function useAofEnvs(prefix: string, defaults: ServerOptions = {}): AofEnvs {
  const scratch = useScratch(prefix);
  const launch = async (dir: string, options: ServerOptions, ffs: FaultFs | null): Promise<AofEnv> => {
    const srv = scratch.keep(
      await startTestServer({ ...defaults, 'aof-use-rdb-preamble': 'no', loglevel: 'notice', logfile: 'nodis.log', dir, ...options }, ffs === null ? {} : { aofFs: ffs }),
    );
    const log = new LogLines();
    srv.server.logger.sinks.push(log);
    return { srv, log, dir };
  };
  return {
    freshDir: () => scratch.dir(),
    start: (dir, options = {}) => launch(dir, options, null),
    async open(dir, options = {}) {
      const env = await launch(dir, options, null);
      return { ...env, c: await env.srv.client() };
    },
    async startFaulty(dir, options = {}, ffs = new FaultFs()) {
      scratch.onCleanup(() => ffs.dispose());
      return { ...(await launch(dir, options, ffs)), ffs };
    },
    async stop(env) {
      if ('ffs' in env) env.ffs.dispose();
      await scratch.stop(env.srv);
    },
    keep: (srv) => scratch.keep(srv),
  };
}
