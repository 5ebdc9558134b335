// Running the same AOF rewrite steps on nodis (in-process) and on redis-server 7.0.15 behind one
// interface (tests/persistence/aof-rewrite-lifecycle.test.ts): a client, the log since start as
// "<level> <text>" with the rewriting process's pid normalised (Redis: the forked child's; nodis:
// its own) and the fork-only lines dropped ("Fork CoW", the child's signal-handler line), the
// wait for a rewrite to end (as Redis's waitForBgrewriteaof) and for its history files to go,
// listings of `dir` and the AOF directory; the rewrite's log lines as Redis writes them.

import fs from 'node:fs';
import { aofDir, readManifest } from './aof-files.js';
import { info, pipeline } from './calls.js';
import type { AofEnvs } from './aof-env.js';
import type { RespClient } from './resp-client.js';
import { startRedisServer } from './server-process.js';
import { waitFor } from './server.js';

export const STARTED = '+Background append only file rewriting started\r\n';
export const IN_PROGRESS = '-ERR Background append only file rewriting already in progress\r\n';
export const CANT = "-ERR Can't execute an AOF background rewriting. Please check the server logs for more information.\r\n";
export const N = (t: string) => `* ${t}`;
export const W = (t: string) => `# ${t}`;
export const KILLED = N('Killing running AOF rewrite child: <pid>');
export const startLines = (incr?: string) => [...(incr ? [N(`Creating AOF incr file ${incr} on background rewrite`)] : []), N('Background append only file rewriting started by pid <pid>')];
export function endLines(base: string, o: { tempIncrTo?: string; history?: string[] } = {}): string[] {
  return [
    N('Successfully created the temporary AOF base file temp-rewriteaof-bg-<pid>.aof'),
    N('Background AOF rewrite terminated with success'),
    N(`Successfully renamed the temporary AOF base file temp-rewriteaof-bg-<pid>.aof into ${base}`),
    ...(o.tempIncrTo ? [N(`Successfully renamed the temporary AOF incr file temp-appendonly.aof.incr into ${o.tempIncrTo}`)] : []),
    ...(o.history ?? []).map((h) => N(`Removing the history file ${h} in the background`)),
    N('Background AOF rewrite finished successfully'),
  ];
}
export const f = (kind: 'base' | 'incr', seq: number) => `appendonly.aof.${seq}.${kind}.aof`;
export const mf = (...lines: [kind: 'base' | 'incr', seq: number, type: 'b' | 'h' | 'i'][]) => lines.map(([k, s, t]) => `file ${f(k, s)} seq ${s} type ${t}\n`).join('');
export const SHUTDOWN_AOF = [W('User requested shutdown...'), W('There is a child rewriting the AOF. Killing it!'), KILLED, N('Calling fsync() on the AOF file.'), W('Redis is now ready to exit, bye bye...')];

/** Log text with the rewriting process's pid replaced (Redis: the child's; nodis: its own). */
export const normalisePid = (t: string) => t.replace(/(by pid |child: )\d+$/, '$1<pid>').replace(/temp-rewriteaof-(bg-)?\d+\.aof/g, 'temp-rewriteaof-$1<pid>.aof');

// ---- one server, nodis or redis-server, behind the same interface ---------------------------------

export type Kind = 'nodis' | 'redis';
export interface Side {
  readonly kind: Kind;
  readonly dir: string;
  readonly c: RespClient;
  /** Log lines since start as "<level> <text>", pids normalised, fork-only lines dropped. */
  lines(): string[];
  /** After SHUTDOWN: until the server is gone and its last line logged. */
  gone(): Promise<void>;
  stop(): Promise<void>;
}

export const REDIS_LINE = /^\d+:[A-Z] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/;

export async function openSide(envs: AofEnvs, kind: Kind, dir: string, aof: boolean, extra: Record<string, string> = {}): Promise<Side> {
  if (kind === 'nodis') {
    const env = await envs.open(dir, { appendonly: aof ? 'yes' : 'no', ...extra });
    const lines = () => env.log.lines.map((l) => `${l.level} ${normalisePid(l.text)}`);
    return {
      kind,
      dir,
      c: env.c,
      lines,
      gone: () => waitFor(() => lines().at(-1) === W('Redis is now ready to exit, bye bye...'), 5000, 'the shutdown'),
      stop: () => envs.stop(env),
    };
  }
  const r = await startRedisServer(dir, ['--appendonly', aof ? 'yes' : 'no', '--enable-debug-command', 'yes', ...Object.entries(extra).flatMap(([k, v]) => [`--${k}`, v])]);
  return {
    kind,
    dir,
    c: r.c,
    lines: () =>
      r.proc
        .stdout()
        .split('\n')
        .map((l) => REDIS_LINE.exec(l))
        .filter((m): m is RegExpExecArray => m !== null && !m[2]!.startsWith('Fork CoW for AOF rewrite:'))
        .map((m) => `${m[1]} ${normalisePid(m[2]!)}`),
    gone: async () => {
      await r.proc.closed;
    },
    stop: () => r.stop(),
  };
}

export async function fields(c: RespClient, ...names: string[]): Promise<Record<string, string>> {
  const i = await info(c);
  return Object.fromEntries(names.map((n) => [n, i.get(n) ?? '<absent>']));
}

/** Until no rewrite runs or is scheduled (as Redis's waitForBgrewriteaof), then until history files are gone. */
export async function idle(s: Side): Promise<void> {
  await waitFor(async () => {
    const i = await info(s.c);
    return i.get('aof_rewrite_in_progress') === '0' && i.get('aof_rewrite_scheduled') === '0';
  }, 15_000, `${s.kind}: the rewrite`);
  await settled(s.dir);
}

export async function settled(dir: string): Promise<void> {
  await waitFor(() => {
    const m = readManifest(dir);
    return m === null || fs.readdirSync(aofDir(dir)).every((n) => n === 'appendonly.aof.manifest' || m.includes(`file ${n} `));
  }, 3000, 'the history files to be removed');
}

/** The AOF directory and `dir` itself (the temp BASE lives there), names normalised. */
export function listing(dir: string): { aof: string[]; dir: string[] } {
  const names = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).filter((n) => n !== 'nodis.log').map(normalisePid).sort() : []);
  return { aof: names(aofDir(dir)), dir: names(dir) };
}

export async function setKeys(c: RespClient, n: number, prefix = 'k'): Promise<void> {
  await pipeline(c, Array.from({ length: n }, (_, i) => ['SET', `${prefix}${i}`, `v${i}`]));
}
