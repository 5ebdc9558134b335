// nodis-check-aof [--fix|--truncate-to-timestamp T] <file.manifest|file.aof>
//
// Redis 7.0.15's redis-check-aof: same arguments, same stdout bytes, same exit codes. The
// parsing is src/aof/scan.ts (shared with the loader); this file is the driver: input type
// detection, the manifest walk, the summary lines, --fix with its prompt, and the
// --truncate-to-timestamp cut.

import fs from 'node:fs';
import path from 'node:path';
import { strtolArg, fgetsEnd } from '../aof/scan.js';
import { checkAofBytes } from '../aof/check-scan.js';
import { parseManifest, AofManifestError } from '../aof/manifest.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const enum CheckStatus {
  Ok,
  Empty,
  Truncated,
  TimestampTruncated,
}

/** Where the tool writes and reads its answer; tests run it in-process with their own. */
export interface CheckAofIo {
  write(bytes: Buffer): void;
  /** One byte of stdin (fgets(buf, 2, stdin)), or null at end of input. */
  readAnswer(): string | null;
}

let io: CheckAofIo;

/** Output is written as latin1 bytes, as C's printf writes the raw bytes of names and data. */
function out(s: string): void {
  io.write(Buffer.from(s, 'latin1'));
}

function writeStdout(b: Buffer): void {
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(1, b, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
}

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EROFS: 'Read-only file system',
  ETXTBSY: 'Text file busy',
  EMFILE: 'Too many open files',
  EIO: 'Input/output error',
};

function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return STRERROR[code] ?? (e as Error).message;
}

/** C's dirname(3). */
function cDirname(p: string): string {
  let s = p;
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  const i = s.lastIndexOf('/');
  if (i === -1) return '.';
  s = s.slice(0, i);
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s === '' ? '/' : s;
}

/** fopen(path, "r"), or redis-check-aof's message and exit 1. */
function openOrExit(filepath: string): number {
  try {
    return fs.openSync(filepath, 'r');
  } catch (e) {
    out(`Cannot open file ${filepath}: ${strerror(e)}\n`);
    throw new Exit(1);
  }
}

/** fopen(path, "r") + fstat + read; a directory opens but fails to read, as with stdio. */
function readForDetection(filepath: string): Buffer | 'dir' {
  const fd = openOrExit(filepath);
  try {
    if (fs.fstatSync(fd).isDirectory()) return 'dir';
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fileIsManifest: some fgets(1025) chunk that is not a comment starts with "file". */
function isManifest(filepath: string): boolean {
  const data = readForDetection(filepath);
  if (data === 'dir') {
    out(`Cannot read file: ${filepath}\n`);
    throw new Exit(1);
  }
  let p = 0;
  let found = false;
  while (p < data.length) {
    const e = fgetsEnd(data, p, 1025);
    if (data[p] !== 0x23 && e - p >= 4 && data.toString('latin1', p, p + 4) === 'file') found = true;
    p = e;
  }
  return found;
}

/** fileIsRDB: at least 8 bytes starting with "REDIS". */
function isRdb(filepath: string): boolean {
  const fd = openOrExit(filepath);
  try {
    if (fs.fstatSync(fd).size < 8) return false;
    const head = Buffer.alloc(5);
    return fs.readSync(fd, head, 0, 5, 0) === 5 && head.toString('latin1') === 'REDIS';
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Manifest: the server's strict parser; its fatal block goes through Redis's log format

interface ManifestEntry {
  readonly name: string;
}
interface Manifest {
  readonly base: ManifestEntry | null;
  readonly incr: readonly ManifestEntry[];
}

function logPrefix(): string {
  const d = new Date();
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]!;
  const two = (v: number): string => String(v).padStart(2, '0');
  return (
    `${process.pid}:C ${two(d.getDate())} ${mon} ${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')} # `
  );
}

function logWarning(msg: string): void {
  out(`${logPrefix()}${msg}\n`);
}

function loadManifest(filepath: string): Manifest {
  let data: Buffer;
  try {
    data = fs.readFileSync(filepath);
  } catch (e) {
    logWarning(`Fatal error: can't open the AOF manifest ${filepath} for reading: ${strerror(e)}`);
    throw new Exit(1);
  }
  try {
    const am = parseManifest(data);
    return { base: am.base, incr: am.incrs };
  } catch (e) {
    if (!(e instanceof AofManifestError)) throw e;
    for (const l of e.logLines) logWarning(l);
    throw new Exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Checking one file

interface Ctx {
  readonly fix: boolean;
  readonly toTimestamp: number;
  line: number;
  readonly starBuffer: Uint8Array;
}

const PROGRESS_MIN = 100 * 1024 * 1024;

function progressBar(name: string, size: number): ((offset: number) => void) | undefined {
  if (size <= PROGRESS_MIN || !process.stderr.isTTY) return undefined;
  let last = -1;
  return (offset) => {
    const pct = Math.floor((offset * 100) / size);
    if (pct === last) return;
    last = pct;
    const width = 40;
    const filled = Math.round((pct * width) / 100);
    process.stderr.write(`\r${name} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${pct}%${pct === 100 ? '\n' : ''}`);
  };
}

/** fgets(buf, 2, stdin): one byte, or null at EOF. */
function readStdinByte(): string | null {
  const b = Buffer.alloc(1);
  for (;;) {
    try {
      const n = fs.readSync(0, b, 0, 1, null);
      return n === 0 ? null : b.toString('latin1', 0, 1);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') return null;
      return null;
    }
  }
}

function checkSingleAof(ctx: Ctx, name: string, filepath: string, lastFile: boolean, preamble: boolean): CheckStatus {
  let fd: number;
  try {
    fd = fs.openSync(filepath, 'r+');
  } catch (e) {
    out(`Cannot open file ${filepath}: ${strerror(e)}, aborting...\n`);
    throw new Exit(1);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return CheckStatus.Empty;
    if (preamble) {
      // nodis has no RDB reader yet, so an RDB preamble cannot be verified.
      out(`nodis-check-aof cannot check RDB data yet (${name})\n`);
      out('RDB preamble of AOF file is not sane, aborting.\n');
      throw new Exit(1);
    }
    const data = fs.readFileSync(fd);
    const r = checkAofBytes(data, {
      pathForErrors: filepath,
      line: ctx.line,
      starBuffer: ctx.starBuffer,
      toTimestamp: ctx.toTimestamp,
      onProgress: progressBar(name, size),
    });
    ctx.line = r.line;
    if (r.timestamp !== null) {
      if (r.timestamp.kind === 'invalid') {
        out('Invalid timestamp annotation\n');
        throw new Exit(1);
      }
      const at = r.timestamp.offset;
      if (at === 0) {
        out(`AOF ${filepath} has nothing before timestamp ${ctx.toTimestamp}, aborting...\n`);
        throw new Exit(1);
      }
      if (!lastFile) {
        out(
          `Failed to truncate AOF ${filepath} to timestamp ${ctx.toTimestamp} to offset ${at} because it is not the last file.\n`,
        );
        out(
          'If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.\n',
        );
        throw new Exit(1);
      }
      try {
        fs.ftruncateSync(fd, at);
      } catch {
        out(`Failed to truncate AOF ${name} to timestamp ${ctx.toTimestamp}\n`);
        throw new Exit(1);
      }
      return CheckStatus.TimestampTruncated;
    }
    if (r.formatError) out(`AOF ${name} format error\n`);
    if (r.error !== null) out(`${r.error}\n`);
    const diff = size - r.pos;
    if (diff === 0 && ctx.toTimestamp !== 0) {
      out(`Truncate nothing in AOF ${name} to timestamp ${ctx.toTimestamp}\n`);
      return CheckStatus.Ok;
    }
    out(`AOF analyzed: filename=${name}, size=${size}, ok_up_to=${r.pos}, ok_up_to_line=${r.line}, diff=${diff}\n`);
    if (diff > 0) {
      if (!ctx.fix) {
        out(`AOF ${name} is not valid. Use the --fix option to try fixing it.\n`);
        throw new Exit(1);
      }
      if (!lastFile) {
        out(`Failed to truncate AOF ${name} because it is not the last file\n`);
        throw new Exit(1);
      }
      out(`This will shrink the AOF ${name} from ${size} bytes, with ${diff} bytes, to ${r.pos} bytes\n`);
      out('Continue? [y/N]: ');
      const a = io.readAnswer();
      if (a === null || a.toLowerCase() !== 'y') {
        out('Aborting...\n');
        throw new Exit(1);
      }
      try {
        fs.ftruncateSync(fd, r.pos);
      } catch {
        out(`Failed to truncate AOF ${name}\n`);
        throw new Exit(1);
      }
      return CheckStatus.Truncated;
    }
    return CheckStatus.Ok;
  } finally {
    fs.closeSync(fd);
  }
}

function report(ctx: Ctx, kind: string, name: string, st: CheckStatus): void {
  switch (st) {
    case CheckStatus.Ok:
      out(`${kind}${name} is valid\n`);
      break;
    case CheckStatus.Empty:
      out(`${kind}${name} is empty\n`);
      break;
    case CheckStatus.TimestampTruncated:
      out(`Successfully truncated AOF ${name} to timestamp ${ctx.toTimestamp}\n`);
      break;
    case CheckStatus.Truncated:
      out(`Successfully truncated AOF ${name}\n`);
      break;
  }
}

function checkMultiPart(ctx: Ctx, dirpath: string, manifestPath: string): void {
  out('Start checking Multi Part AOF\n');
  const am = loadManifest(manifestPath);
  const total = (am.base ? 1 : 0) + am.incr.length;
  let n = 0;
  if (am.base) {
    const fp = `${dirpath}/${am.base.name}`;
    const last = ++n === total;
    const rdb = isRdb(fp);
    out(`Start to check BASE AOF (${rdb ? 'RDB' : 'RESP'} format).\n`);
    report(ctx, 'BASE AOF ', am.base.name, checkSingleAof(ctx, am.base.name, fp, last, rdb));
  }
  if (am.incr.length > 0) {
    out('Start to check INCR files.\n');
    for (const e of am.incr) {
      const fp = `${dirpath}/${e.name}`;
      const last = ++n === total;
      report(ctx, 'INCR AOF ', e.name, checkSingleAof(ctx, e.name, fp, last, false));
    }
  }
  out('All AOF files and manifest are valid\n');
}

function run(args: readonly string[], progName: string): number {
  let filepath: string;
  let fix = false;
  let toTimestamp = 0;
  const usage = (): number => {
    out(`Usage: ${progName} [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n`);
    return 1;
  };
  if (args.length === 1) {
    filepath = args[0]!;
  } else if (args.length === 2) {
    if (args[0] !== '--fix') return usage();
    filepath = args[1]!;
    fix = true;
  } else if (args.length === 3) {
    if (args[0] !== '--truncate-to-timestamp') return usage();
    const t = strtolArg(args[1]!);
    if (t.overflow || t.rest !== '') {
      out('Invalid timestamp, aborting...\n');
      return 1;
    }
    toTimestamp = Number(t.value);
    filepath = args[2]!;
  } else {
    return usage();
  }
  const ctx: Ctx = { fix, toTimestamp, line: 1, starBuffer: new Uint8Array(128) };
  const dirpath = cDirname(filepath);
  if (isManifest(filepath)) {
    checkMultiPart(ctx, dirpath, filepath);
  } else {
    const preamble = isRdb(filepath);
    out('Start checking Old-Style AOF\n');
    report(ctx, 'AOF ', filepath, checkSingleAof(ctx, filepath, filepath, true, preamble));
  }
  return 0;
}

/** Runs the tool; returns the exit code (the bin script exits with it). */
export function main(
  args: readonly string[],
  progName = path.basename(process.argv[1] ?? 'nodis-check-aof'),
  stdio: CheckAofIo = { write: writeStdout, readAnswer: readStdinByte },
): number {
  io = stdio;
  try {
    return run(args, progName);
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}
