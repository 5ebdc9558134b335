// The configuration parameters with a type of their own, as Redis 7.0 parses, prints and
// rewrites them: dir, save, client-output-buffer-limit, oom-score-adj-values,
// notify-keyspace-events, bind, replicaof, latency-tracking-info-percentiles.

import fs from 'node:fs';
import path from 'node:path';
import type { ConfigValue } from './config.js';
import { quoteRepr } from './monitor.js';

export interface SpecialContext {
  /** The parameter's value before this change (merged into, or resolved against). */
  readonly current: ConfigValue | undefined;
  /** A `save` line after another one in the same config text: appends instead of replacing. */
  readonly append: boolean;
}

/** A line CONFIG REWRITE writes; `force` writes it even if the old file did not have one. */
export interface RewriteLine {
  readonly line: string;
  readonly force: boolean;
}

export interface SpecialCodec {
  /** Parses the arguments (config file: the directive's arguments; CONFIG SET: the value split on spaces). */
  parse(args: readonly string[], ctx: SpecialContext): ConfigValue | { error: string };
  /** The CONFIG GET form. */
  format(value: ConfigValue): string;
  /** CONFIG REWRITE lines; none means "remove the old lines". */
  rewrite(name: string, value: ConfigValue, def: ConfigValue): RewriteLine[];
}

// ---- C-like number parsing -----------------------------------------------------------------

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * strtoll(s, &end, 10) where the caller then requires *end == '\0': leading white space and a
 * sign are allowed, an empty string is 0, overflow saturates. Null when not fully consumed.
 */
export function strtollWhole(s: string): bigint | null {
  if (s === '') return 0n;
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (m === null) return null;
  let v = BigInt(m[2]!);
  if (m[1] === '-') v = -v;
  return v < INT64_MIN ? INT64_MIN : v > INT64_MAX ? INT64_MAX : v;
}

/** Redis's memory notation for CONFIG REWRITE: 1gb, 64mb, 1kb, or plain bytes. */
export function formatMemory(bytes: bigint): string {
  const gb = 1024n ** 3n;
  const mb = 1024n ** 2n;
  const kb = 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % kb === 0n) return `${bytes / kb}kb`;
  return String(bytes);
}

/** memtoull(): digits then an optional unit (b k kb m mb g gb, any case); "" is 0. */
export function memtoull(s: string): bigint | null {
  const m = /^(\d*)(.*)$/s.exec(s)!;
  const unit = m[2]!.toLowerCase();
  const mul: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: 1024n * 1024n, g: 1000000000n, gb: 1024n ** 3n };
  if (!(unit in mul) || s.startsWith('-')) return null;
  let v = m[1] === '' ? 0n : BigInt(m[1]!);
  const ULLONG_MAX = 2n ** 64n - 1n;
  if (v > ULLONG_MAX) v = ULLONG_MAX; // strtoull saturates; Redis 7.0 does not check ERANGE
  return BigInt.asUintN(64, v * mul[unit]!);
}

// ---- dir -------------------------------------------------------------------------------------

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  EISDIR: 'Is a directory',
  ENOSPC: 'No space left on device',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
};

/** strerror() text for a Node.js fs error. */
export function strerror(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e.code && ERRNO_TEXT[e.code]) ?? e.message;
}

/**
 * Config strings hold one char per byte (latin1), like every other value; file system calls
 * need the real (UTF-8) name. Identity for ASCII.
 */
export function fsPath(latin1: string): string {
  return /^[\x00-\x7f]*$/.test(latin1) ? latin1 : Buffer.from(latin1, 'latin1').toString('utf8');
}

const dir: SpecialCodec = {
  // Redis chdir()s into `dir`. Embedded servers share the process, so nodis keeps the
  // absolute path instead; a relative one resolves against the previous `dir`, as chdir would.
  parse(args, ctx) {
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const base = typeof ctx.current === 'string' ? ctx.current : process.cwd();
    const target = path.resolve(fsPath(base), fsPath(args[0]!));
    // The default ("."): the working directory, whatever state it is in.
    if (ctx.current === undefined) return Buffer.from(target, 'utf8').toString('latin1');
    try {
      if (!fs.statSync(target).isDirectory()) return { error: ERRNO_TEXT['ENOTDIR']! };
      fs.accessSync(target, fs.constants.X_OK);
    } catch (err) {
      return { error: strerror(err) };
    }
    return Buffer.from(target, 'utf8').toString('latin1');
  },
  format: (v) => v as string,
  rewrite: (name, v) => [{ line: `${name} ${quoteRepr(v as string)}`, force: true }],
};

// ---- save ------------------------------------------------------------------------------------

const save: SpecialCodec = {
  parse(args, ctx) {
    // `save ""` empties the list, even after other save lines of the same file.
    let append = ctx.append;
    if (args.length === 1 && args[0] === '') {
      args = [];
      append = false;
    }
    if (args.length % 2 !== 0) return { error: 'Invalid save parameters' };
    const out: string[] = [];
    for (let j = 0; j < args.length; j++) {
      const v = strtollWhole(args[j]!);
      if (v === null || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) return { error: 'Invalid save parameters' };
      // seconds is a time_t, changes an int
      out.push(String(j % 2 === 0 ? v : BigInt.asIntN(32, v)));
    }
    const prev = append && Array.isArray(ctx.current) ? ctx.current : [];
    return [...prev, ...out];
  },
  format: (v) => (v as string[]).join(' '),
  rewrite(name, v) {
    const params = v as string[];
    if (params.length === 0) return [{ line: `${name} ""`, force: true }];
    const lines: RewriteLine[] = [];
    for (let j = 0; j < params.length; j += 2) lines.push({ line: `${name} ${params[j]} ${params[j + 1]}`, force: true });
    return lines;
  },
};

// ---- client-output-buffer-limit ----------------------------------------------------------

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;

function obufClass(name: string): number {
  switch (name.toLowerCase()) {
    case 'normal':
      return 0;
    case 'slave':
    case 'replica':
      return 1;
    case 'pubsub':
      return 2;
    default:
      return -1; // "master" is a client type, but not a class with limits
  }
}

/** The stored form: "normal <hard> <soft> <secs> slave ... pubsub ..." in bytes. */
function obufParts(v: string): string[][] {
  const t = v.split(' ');
  return [t.slice(1, 4), t.slice(5, 8), t.slice(9, 12)];
}

const clientOutputBufferLimit: SpecialCodec = {
  parse(args, ctx) {
    if (args.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
    const parts = obufParts(typeof ctx.current === 'string' ? ctx.current : 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    for (let j = 0; j < args.length; j += 4) {
      const cls = obufClass(args[j]!);
      if (cls < 0) return { error: 'Invalid client class specified in buffer limit configuration.' };
      const hard = memtoull(args[j + 1]!);
      const soft = memtoull(args[j + 2]!);
      const ll = strtollWhole(args[j + 3]!);
      const secs = ll === null ? null : BigInt.asIntN(32, ll); // an int
      if (hard === null || soft === null || secs === null || secs < 0n) {
        return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
      }
      parts[cls] = [String(hard), String(soft), String(secs)];
    }
    return OBUF_CLASSES.map((c, i) => `${c} ${parts[i]!.join(' ')}`).join(' ');
  },
  format: (v) => v as string,
  rewrite(name, v, def) {
    const cur = obufParts(v as string);
    const dflt = obufParts(def as string);
    return OBUF_CLASSES.map((c, i) => {
      const [hard, soft, secs] = cur[i]!;
      const force = cur[i]!.join(' ') !== dflt[i]!.join(' ');
      const cls = c === 'slave' ? 'replica' : c;
      return { line: `${name} ${cls} ${formatMemory(BigInt(hard!))} ${formatMemory(BigInt(soft!))} ${secs}`, force };
    });
  },
};

// ---- oom-score-adj-values ---------------------------------------------------------------

const oomScoreAdjValues: SpecialCodec = {
  parse(args) {
    if (args.length !== 3) return { error: 'wrong number of arguments' };
    const out: string[] = [];
    for (const a of args) {
      const v = strtollWhole(a);
      if (v === null || v < -2000n || v > 2000n) return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
      out.push(String(v));
    }
    return out.join(' ');
  },
  format: (v) => v as string,
  rewrite: (name, v, def) => [{ line: `${name} ${v as string}`, force: v !== def }],
};

// ---- notify-keyspace-events ---------------------------------------------------------------

// Redis's NOTIFY_* bits; 'A' is every class except key-miss and new-key.
const NOTIFY: Record<string, number> = { K: 1, E: 2, g: 4, $: 8, l: 16, s: 32, h: 64, z: 128, x: 256, e: 512, t: 1024, m: 2048, d: 4096, n: 8192 };
const NOTIFY_ALL = NOTIFY['g']! | NOTIFY['$']! | NOTIFY['l']! | NOTIFY['s']! | NOTIFY['h']! | NOTIFY['z']! | NOTIFY['x']! | NOTIFY['e']! | NOTIFY['t']! | NOTIFY['d']!;

/** keyspaceEventsStringToFlags: -1 for an unknown class character. */
export function keyspaceEventsFlags(s: string): number {
  let flags = 0;
  for (const ch of s) {
    if (ch === 'A') flags |= NOTIFY_ALL;
    else if (ch in NOTIFY) flags |= NOTIFY[ch]!;
    else return -1;
  }
  return flags;
}

/** keyspaceEventsFlagsToString: the canonical order Redis prints. */
export function keyspaceEventsString(flags: number): string {
  let res = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) res += 'A';
  else for (const ch of 'g$lshzxetdn') if (flags & NOTIFY[ch]!) res += ch;
  if (flags & NOTIFY['K']!) res += 'K';
  if (flags & NOTIFY['E']!) res += 'E';
  if (flags & NOTIFY['m']!) res += 'm';
  return res;
}

const notifyKeyspaceEvents: SpecialCodec = {
  parse(args) {
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const flags = keyspaceEventsFlags(args[0]!);
    if (flags < 0) return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
    return keyspaceEventsString(flags);
  },
  format: (v) => v as string,
  rewrite: (name, v) => [{ line: `${name} ${quoteRepr(v as string)}`, force: v !== '' }],
};

// ---- bind -------------------------------------------------------------------------------------

const CONFIG_BINDADDR_MAX = 16;

const bind: SpecialCodec = {
  parse(args) {
    if (args.length > CONFIG_BINDADDR_MAX) return { error: 'Too many bind addresses specified.' };
    if (args.length === 1 && args[0] === '') return [];
    return [...args];
  },
  format: (v) => (v as string[]).join(' '),
  rewrite(name, v, def) {
    const addrs = v as string[];
    if (addrs.join(' ') === (def as string[]).join(' ')) return [];
    return [{ line: `${name} ${addrs.length > 0 ? addrs.join(' ') : '""'}`, force: true }];
  },
};

// ---- replicaof --------------------------------------------------------------------------------

const replicaof: SpecialCodec = {
  parse(args) {
    if (args.length !== 2) return { error: 'wrong number of arguments' };
    if (args[0]!.toLowerCase() === 'no' && args[1]!.toLowerCase() === 'one') return '';
    const port = strtollWhole(args[1]!);
    if (port === null || port < 0n || port > 65535n) return { error: 'Invalid master port' };
    return `${args[0]} ${port}`;
  },
  format: (v) => v as string,
  rewrite: (name, v) => (v === '' ? [] : [{ line: `${name} ${v as string}`, force: true }]),
};

// ---- latency-tracking-info-percentiles ------------------------------------------------------

/** string2d(): a whole decimal (or inf) number, no white space. */
function string2d(s: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?inf(inity)?$/i.test(s)) return null;
  return /inf/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
}

/** printf("%f") with trailing zeros (and a trailing point) removed. */
function trimDouble(d: number): string {
  const s = d.toFixed(6);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

const latencyPercentiles: SpecialCodec = {
  parse(args) {
    if (args.length === 1 && args[0] === '') return [];
    const out: string[] = [];
    for (const a of args) {
      const d = string2d(a);
      if (d === null) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
      if (d > 100 || d < 0) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
      out.push(trimDouble(d));
    }
    return out;
  },
  format: (v) => (v as string[]).join(' '),
  rewrite(name, v) {
    const p = v as string[];
    return [{ line: p.length === 0 ? `${name} ""` : `${name} ${p.join(' ')}`, force: true }];
  },
};

export const SPECIAL = {
  dir,
  save,
  clientOutputBufferLimit,
  oomScoreAdjValues,
  notifyKeyspaceEvents,
  bind,
  replicaof,
  latencyPercentiles,
} as const;
