// The RESP record scanner shared by the AOF loader and nodis-check-aof.
//
// Both consumers read the same bytes but Redis 7.0 classifies problems differently in each, so
// there are two entry points over one set of byte-level helpers:
//  - `AofLoadScanner`: what loadSingleAppendOnlyFile accepts. Lines are read like fgets with a
//    1024-byte buffer, the CRLF after a bulk is skipped unchecked, a short read anywhere is an
//    unexpected EOF, a missing `*`/`$` prefix or argc < 1 is a format error, and `#` lines are
//    annotations. `validUpTo` is the offset after the last complete command (queued commands
//    inside MULTI included, as Redis does); a clean EOF inside MULTI reverts to before it.
//  - `checkAofBytes` (check-scan.ts): redis-check-aof's checkSingleAof, with strict CRLF
//    checks, its error texts and positions (`0x%16llx`), its line counter and
//    `--truncate-to-timestamp`. The C-level helpers below (fgets, strtol) serve both.
// Everything works on a Buffer and byte offsets; argv elements are latin1 strings.

import { readSync } from 'node:fs';
import { bytesToLatin1 } from '../resp/decoder.js';

const STAR = 0x2a;
const DOLLAR = 0x24;
const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;

/** Redis's `AOF_ANNOTATION_LINE_MAX_LEN`, the loader's fgets buffer. */
export const AOF_LINE_BUF = 1024;
export const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** End offset (exclusive) of what fgets(buf, size) reads at `pos`, or -1 at EOF (NULL). */
export function fgetsEnd(buf: Uint8Array, pos: number, size: number, limit = buf.length): number {
  if (pos >= limit) return -1;
  const max = Math.min(limit, pos + size - 1);
  for (let i = pos; i < max; i++) if (buf[i] === LF) return i + 1;
  return max;
}

/** strtol as a JS number, with a fast path for the short decimal numbers of RESP headers. */
function cLong(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  let neg = false;
  let c = i < to ? buf[i]! : 0;
  if (c === 0x2d) {
    neg = true;
    c = ++i < to ? buf[i]! : 0;
  }
  const start = i;
  let v = 0;
  while (c >= 0x30 && c <= 0x39 && i - start < 15) {
    v = v * 10 + (c - 0x30);
    c = ++i < to ? buf[i]! : 0;
  }
  if (i > start && !(c >= 0x30 && c <= 0x39)) return neg ? -v : v;
  return Number(strtolBytes(buf, from, to).value);
}

/** Bytes as a latin1 string (short ones, such as command names, without a native call). */
const latin1 = bytesToLatin1;

/** Whether buf[from, from+len) holds exactly the chars of `s`. */
function sameBytes(buf: Uint8Array, from: number, len: number, s: string): boolean {
  if (len !== s.length) return false;
  for (let i = 0; i < len; i++) if (buf[from + i] !== s.charCodeAt(i)) return false;
  return true;
}

export interface StrtolResult {
  /** The parsed value, clamped to the C long range as strtol does. */
  readonly value: bigint;
  /** Index (into the scanned range) of the first byte not consumed. */
  readonly end: number;
  /** strtol set ERANGE. */
  readonly overflow: boolean;
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * C strtol(base 10) over bytes[from, to): leading whitespace, an optional sign, digits. With no
 * digits the end is `from` (nothing consumed). A NUL byte stops the scan like the C string end.
 */
export function strtolBytes(bytes: Uint8Array, from: number, to: number): StrtolResult {
  let i = from;
  while (i < to && bytes[i] !== 0 && isCSpace(bytes[i]!)) i++;
  let neg = false;
  if (i < to && (bytes[i] === 0x2b || bytes[i] === 0x2d)) {
    neg = bytes[i] === 0x2d;
    i++;
  }
  const digitsStart = i;
  let v = 0n;
  let small = 0;
  let useBig = false;
  while (i < to && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
    const d = bytes[i]! - 0x30;
    if (!useBig) {
      small = small * 10 + d;
      if (small >= 1e14) {
        useBig = true;
        v = BigInt(small);
      }
    } else {
      v = v * 10n + BigInt(d);
    }
    i++;
  }
  if (i === digitsStart) return { value: 0n, end: from, overflow: false };
  let value = useBig ? v : BigInt(small);
  if (neg) value = -value;
  let overflow = false;
  if (value > LONG_MAX) {
    value = LONG_MAX;
    overflow = true;
  } else if (value < LONG_MIN) {
    value = LONG_MIN;
    overflow = true;
  }
  return { value, end: i, overflow };
}

function strtolString(s: string): StrtolResult {
  return strtolBytes(Buffer.from(s, 'latin1'), 0, s.length);
}

/** C strtol over a JS string, for command-line arguments. */
export function strtolArg(s: string): { value: bigint; rest: string; overflow: boolean } {
  const r = strtolString(s);
  return { value: r.value, rest: s.slice(r.end), overflow: r.overflow };
}

// ---------------------------------------------------------------------------------------------
// Loader scanner

export interface AofRecord {
  readonly argv: string[];
  /** Offset of the record's `*`. */
  readonly start: number;
  /** Offset after the record's last CRLF. */
  readonly end: number;
}

export type AofLoadEnd =
  /** Clean end of file, no open MULTI. */
  | { readonly kind: 'ok'; readonly validUpTo: number }
  /**
   * Short read ("Unexpected end of file"), or a clean end inside MULTI (`revertedMulti`, Redis
   * logs "Revert incomplete MULTI/EXEC transaction in AOF file %s"). `validUpTo` is where
   * `aof-load-truncated yes` truncates the file.
   */
  | {
      readonly kind: 'eof';
      readonly validUpTo: number;
      readonly revertedMulti: boolean;
      /**
       * A short read inside MULTI: the offset before that MULTI. Redis 7.0 truncates at
       * `validUpTo` there, leaving an open MULTI that swallows the next start's appends;
       * nodis's loader truncates here instead (as redis-check-aof --fix does).
       */
      readonly openMultiAt?: number;
    }
  /** "Bad file format reading the append only file"; `offset` is where the bad line starts. */
  | { readonly kind: 'format'; readonly offset: number; readonly validUpTo: number }
  /**
   * Redis's readerr path that is not an EOF: a `*` line whose second byte is NUL in mid-file
   * ("Unrecoverable error reading the append only file").
   */
  | { readonly kind: 'read-error'; readonly offset: number; readonly validUpTo: number };

export interface AofAnnotation {
  readonly offset: number;
  /** The annotation line as fgets returned it, without the trailing CRLF. */
  readonly text: string;
  /** The value of a `#TS:<unix>` annotation whose number is followed by `\r`, else null. */
  readonly timestamp: number | null;
}

export interface AofLoadScannerOptions {
  /** Where the RESP part starts in `buf` (after an RDB preamble). Default 0. */
  readonly start?: number;
  /** Initial `valid_up_to`; Redis starts it at 0 even after an RDB preamble. Default 0. */
  readonly validUpTo?: number;
  /** Called for every `#` line. */
  readonly onAnnotation?: (a: AofAnnotation) => void;
  /** File offset of `buf[0]` when `buf` is a window of a larger file. Default 0. */
  readonly base?: number;
  /**
   * More bytes follow `buf` (chunked reading): a record or line cut by the end of `buf` stops
   * the scan with `needMoreAt` instead of being a short read; continue with `refill`.
   */
  readonly more?: boolean;
}

function parseTimestampAnnotation(buf: Buffer, start: number, end: number): number | null {
  if (end - start < 4 || buf.toString('latin1', start, start + 4) !== '#TS:') return null;
  const r = strtolBytes(buf, start + 4, end);
  if (r.overflow || r.end >= end || buf[r.end] !== CR) return null;
  return Number(r.value);
}

/**
 * Redis 7.0's loadSingleAppendOnlyFile parse loop. Call `next()` until it returns null; then
 * either `needMoreAt` is set (chunked input: call `refill` with the bytes from that file offset
 * on) or `result` holds the outcome. The consumer executes each record (MULTI queueing is the
 * dispatcher's business: commands of an unfinished MULTI are simply never EXECed). All offsets
 * are file offsets.
 */
export class AofLoadScanner {
  private buf: Buffer;
  private base: number;
  private more: boolean;
  private pos: number;
  private validUpTo: number;
  private validBeforeMulti = 0;
  private inMulti = false;
  private done: AofLoadEnd | null = null;
  private pending: number | null = null;
  private lastName = '';
  /** File offsets of the record nextArgv() returned last. */
  recordStart = 0;
  recordEnd = 0;
  private readonly onAnnotation: ((a: AofAnnotation) => void) | undefined;

  constructor(buf: Buffer, opts: AofLoadScannerOptions = {}) {
    this.buf = buf;
    this.base = opts.base ?? 0;
    this.more = opts.more ?? false;
    this.pos = opts.start ?? 0;
    this.validUpTo = opts.validUpTo ?? 0;
    this.onAnnotation = opts.onAnnotation;
  }

  /** The outcome, once `next()` has returned null without `needMoreAt`. */
  get result(): AofLoadEnd {
    if (this.done === null) throw new Error('AofLoadScanner: scan not finished');
    return this.done;
  }

  /** With chunked input: the file offset from which `refill` must supply bytes, else null. */
  get needMoreAt(): number | null {
    return this.pending;
  }

  /** File offset of the next byte to read. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Continues a chunked scan with `buf` starting at file offset `needMoreAt`. */
  refill(buf: Buffer, more: boolean): void {
    if (this.pending === null) throw new Error('AofLoadScanner: refill without needMoreAt');
    this.buf = buf;
    this.base = this.pending;
    this.pos = 0;
    this.more = more;
    this.pending = null;
  }

  /** The next record (with its offsets), or null: see `needMoreAt` and `result`. */
  next(): AofRecord | null {
    const argv = this.nextArgv();
    return argv === null ? null : { argv, start: this.recordStart, end: this.recordEnd };
  }

  /**
   * The next record's arguments, or null (see `needMoreAt` and `result`); its offsets are in
   * `recordStart`/`recordEnd`. Allocates only the argv and its strings: the loader's hot path.
   */
  nextArgv(): string[] | null {
    if (this.done !== null || this.pending !== null) return null;
    const buf = this.buf;
    const n = buf.length;
    const more = this.more;
    for (;;) {
      const start = this.pos;
      const lineEnd = fgetsEnd(buf, start, AOF_LINE_BUF);
      if (lineEnd === -1) return more ? this.needMore(start) : this.finishClean();
      if (this.cut(start, lineEnd)) return this.needMore(start);
      if (buf[start] === HASH) {
        if (this.onAnnotation) {
          let e = lineEnd;
          if (e > start && buf[e - 1] === LF) e--;
          if (e > start && buf[e - 1] === CR) e--;
          this.onAnnotation({
            offset: this.base + start,
            text: latin1(buf, start, e),
            timestamp: parseTimestampAnnotation(buf, start, lineEnd),
          });
        }
        this.pos = lineEnd;
        continue;
      }
      if (buf[start] !== STAR) return this.format(start);
      if (lineEnd === start + 1 || buf[start + 1] === 0) {
        // fgets gave "*" alone: EOF right after it, or an embedded NUL.
        if (lineEnd >= n) return this.shortRead();
        return this.finish({ kind: 'read-error', offset: this.base + start, validUpTo: this.validUpTo });
      }
      // atoi: the low 32 bits of the long.
      const argcL = cLong(buf, start + 1, lineEnd);
      const argc = argcL >= -0x80000000 && argcL <= 0x7fffffff ? argcL : Number(BigInt.asIntN(32, strtolBytes(buf, start + 1, lineEnd).value));
      if (argc < 1) return this.format(start);
      let p = lineEnd;
      const argv: string[] = new Array<string>(argc);
      for (let j = 0; j < argc; j++) {
        const le = fgetsEnd(buf, p, AOF_LINE_BUF);
        if (le === -1) return more ? this.needMore(start) : this.shortRead();
        if (this.cut(p, le)) return this.needMore(start);
        if (buf[p] !== DOLLAR) return this.format(p);
        const len = cLong(buf, p + 1, le);
        // Redis would try to allocate a negative/huge length and abort; call it bad format.
        if (len < 0 || len > Number.MAX_SAFE_INTEGER) return this.format(p);
        if (le + len + 2 > n) {
          if (more) return this.needMore(start);
          if (le + len > n) return this.shortRead();
        }
        // Consecutive records mostly share their command name: reuse the string (no
        // allocation, and its hash is already computed for the command table lookup).
        argv[j] = j === 0 && sameBytes(buf, le, len, this.lastName) ? this.lastName : latin1(buf, le, le + len);
        p = le + len;
        if (p + 2 > n) return this.shortRead();
        p += 2; // the CRLF is discarded unchecked
      }
      this.pos = p;
      const name = argv[0]!;
      this.lastName = name;
      if (name.length === 5 && name.toLowerCase() === 'multi') {
        this.validBeforeMulti = this.validUpTo;
        this.inMulti = true;
      } else if (name.length === 4 && this.inMulti && name.toLowerCase() === 'exec') {
        this.inMulti = false;
      }
      this.validUpTo = this.base + p;
      this.recordStart = this.base + start;
      this.recordEnd = this.base + p;
      return argv;
    }
  }

  /** A line cut by the end of a window that is not the end of the file. */
  private cut(start: number, end: number): boolean {
    const n = this.buf.length;
    return this.more && end === n && this.buf[n - 1] !== LF && end - start < AOF_LINE_BUF - 1;
  }

  private needMore(start: number): null {
    this.pending = this.base + start;
    return null;
  }

  private format(at: number): null {
    return this.finish({ kind: 'format', offset: this.base + at, validUpTo: this.validUpTo });
  }

  private shortRead(): null {
    if (this.inMulti) return this.finish({ kind: 'eof', validUpTo: this.validUpTo, revertedMulti: false, openMultiAt: this.validBeforeMulti });
    return this.finish({ kind: 'eof', validUpTo: this.validUpTo, revertedMulti: false });
  }

  private finishClean(): null {
    if (this.inMulti) return this.finish({ kind: 'eof', validUpTo: this.validBeforeMulti, revertedMulti: true });
    return this.finish({ kind: 'ok', validUpTo: this.validUpTo });
  }

  private finish(end: AofLoadEnd): null {
    this.done = end;
    return null;
  }
}

/**
 * Scans a file in windows of `chunkSize` bytes (a window grows when one record is larger), so
 * loading never holds the whole file in memory. `nextArgv()` as AofLoadScanner's, with the
 * windows refilled behind it; null means the end: see `result`.
 */
export class AofFdScanner {
  private readonly scanner: AofLoadScanner;
  private at: number;
  private want: number;

  constructor(
    private readonly fd: number,
    private readonly chunk = 4 * 1024 * 1024,
    onAnnotation?: (a: AofAnnotation) => void,
  ) {
    this.at = 0;
    this.want = chunk;
    const w = this.read(0, chunk);
    this.scanner = new AofLoadScanner(w.buf, { base: 0, more: w.more, onAnnotation });
  }

  get result(): AofLoadEnd {
    return this.scanner.result;
  }

  /** File offset after the record returned last. */
  get recordEnd(): number {
    return this.scanner.recordEnd;
  }

  get recordStart(): number {
    return this.scanner.recordStart;
  }

  nextArgv(): string[] | null {
    for (;;) {
      const argv = this.scanner.nextArgv();
      if (argv !== null) return argv;
      const need = this.scanner.needMoreAt;
      if (need === null) return null;
      // No progress inside this window: the record is bigger than it; double the window.
      this.want = need === this.at ? this.want * 2 : this.chunk;
      this.at = need;
      const w = this.read(need, this.want);
      this.scanner.refill(w.buf, w.more);
    }
  }

  private read(from: number, size: number): { buf: Buffer; more: boolean } {
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(this.fd, buf, got, size - got, from + got);
      if (n === 0) return { buf: buf.subarray(0, got), more: false };
      got += n;
    }
    return { buf, more: true };
  }
}

/** AofFdScanner as a generator of records; returns the outcome. */
export function* scanAofFd(
  fd: number,
  opts: { readonly chunkSize?: number; readonly onAnnotation?: (a: AofAnnotation) => void } = {},
): Generator<AofRecord, AofLoadEnd> {
  const s = new AofFdScanner(fd, opts.chunkSize, opts.onAnnotation);
  for (let argv = s.nextArgv(); argv !== null; argv = s.nextArgv()) yield { argv, start: s.recordStart, end: s.recordEnd };
  return s.result;
}

/** Scans all of `buf` and returns the records and the outcome (tests, small files). */
export function scanAofForLoad(buf: Buffer, opts: AofLoadScannerOptions = {}): { records: AofRecord[]; end: AofLoadEnd } {
  const s = new AofLoadScanner(buf, opts);
  const records: AofRecord[] = [];
  for (let r = s.next(); r !== null; r = s.next()) records.push(r);
  return { records, end: s.result };
}

/** True when the file starts like an RDB (the loader's test: the first 5 bytes are `REDIS`). */
export function startsWithRdb(buf: Buffer): boolean {
  return buf.length >= 5 && buf.toString('latin1', 0, 5) === 'REDIS';
}
