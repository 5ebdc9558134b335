// redis-check-aof 7.0's checkSingleAof parse (see scan.ts for the loader's): strict CRLF
// checks, its error texts and positions (`0x%16llx`), its line counter (carried across the
// files of a manifest), MULTI/EXEC nesting and `--truncate-to-timestamp`. Printing and file
// handling are the CLI's (src/cli/check-aof-main.ts).

import { AOF_LINE_BUF, LONG_MAX, fgetsEnd, strtolBytes } from './scan.js';

const STAR = 0x2a;
const DOLLAR = 0x24;
const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;

/** Why the check stopped at a `#TS:` annotation (only with `toTimestamp`). */
export type TimestampStop =
  /** `#TS:` not followed by a number and `\r`: "Invalid timestamp annotation". */
  | { readonly kind: 'invalid' }
  /** The first annotation later than the target, at `offset` (where the file would be cut). */
  | { readonly kind: 'after'; readonly offset: number };

export interface CheckAofOptions {
  /** The name used in "Unexpected MULTI/EXEC in AOF %s" (Redis passes the file path). */
  readonly pathForErrors: string;
  /** Where checking starts (after an RDB preamble). Default 0. */
  readonly start?: number;
  /** redis-check-aof's line counter carries over between the files of a manifest. Default 1. */
  readonly line?: number;
  /** `--truncate-to-timestamp` value; 0 disables annotation processing, as in Redis. */
  readonly toTimestamp?: number;
  /**
   * The 128-byte buffer redis-check-aof reads `*` lines into. On a line cut short, Redis prints
   * the byte after the string's NUL, which is left over from the previous `*` line (observed
   * with 7.0.15; for `$` lines it is 0). Pass the same array for every file of a manifest.
   */
  readonly starBuffer?: Uint8Array;
  /** Called with the current offset about every 4 MB, and once at the end. */
  readonly onProgress?: (offset: number) => void;
}

export interface CheckAofResult {
  /** ok_up_to: the offset after the last complete command outside MULTI. */
  readonly pos: number;
  /** The line counter after the scan (1 + CRLFs consumed, annotations not counted). */
  readonly line: number;
  /** The error line as printed (`0x%16llx: ...`), or null. */
  readonly error: string | null;
  /** A line that starts with neither `#` nor `*`: "AOF %s format error" was due. */
  readonly formatError: boolean;
  /** Set when a `#TS:` annotation stopped the scan. */
  readonly timestamp: TimestampStop | null;
}

/** C's `%02x` of a (signed) char. */
function hexChar(c: number): string {
  return c >= 0x80 ? (0xffffff00 + c).toString(16) : c.toString(16).padStart(2, '0');
}

/** `0x%16llx` */
export function formatCheckPos(pos: number): string {
  return '0x' + pos.toString(16).padStart(16, ' ');
}

const READLONG_BUF = 128;
const PROGRESS_STEP = 4 * 1024 * 1024;

/**
 * redis-check-aof 7.0's checkSingleAof parse over `buf` (from `start`), without the printing:
 * the caller prints "AOF %s format error" when `formatError`, then `error`, then the summary.
 */
export function checkAofBytes(buf: Buffer, opts: CheckAofOptions): CheckAofResult {
  const n = buf.length;
  const toTs = opts.toTimestamp ?? 0;
  let line = opts.line ?? 1;
  let epos = 0;
  let error: string | null = null;
  let atEof = false; // feof(fp)
  let p = opts.start ?? 0;
  let pos = p;
  let multi = 0;
  let formatError = false;
  let timestamp: TimestampStop | null = null;

  const setError = (msg: string): void => {
    error = `${formatCheckPos(epos)}: ${msg}`;
  };
  // strncmp(b, "\r\n", 2) on a C buffer where `at` may reach the NUL after the data read.
  const newlineAt = (bytes: (i: number) => number, at: number): boolean => {
    const a = bytes(at);
    const b = bytes(at + 1);
    if (a === CR && b === LF) {
      line++;
      return true;
    }
    setError(`Expected \\r\\n, got: ${hexChar(a)}${hexChar(b)}`);
    return false;
  };
  const starBuf = opts.starBuffer ?? new Uint8Array(READLONG_BUF);
  // readLong: fgets(buf,128), prefix check, strtol, consumeNewline. Returns null on failure.
  const readLong = (prefix: number): number | bigint | null => {
    epos = p;
    const le = fgetsEnd(buf, p, READLONG_BUF);
    if (le === -1) {
      atEof = true;
      return null;
    }
    const start = p;
    p = le;
    if (le >= n && buf[le - 1] !== LF) atEof = true;
    if (prefix === STAR) {
      for (let i = start; i < le; i++) starBuf[i - start] = buf[i]!;
      starBuf[le - start] = 0;
    }
    if (buf[start] !== prefix) {
      const got = buf[start]!;
      setError(`Expected prefix '${String.fromCharCode(prefix)}', got: '${String.fromCharCode(got)}'`);
      return null;
    }
    // Fast path: digits then CRLF, the shape of every well-formed header.
    let i = start + 1;
    let v = 0;
    while (i < le && i - start <= 15) {
      const c = buf[i]!;
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      i++;
    }
    if (i > start + 1 && i + 2 === le && buf[i] === CR && buf[i + 1] === LF) {
      line++;
      return v;
    }
    const r = strtolBytes(buf, start + 1, le);
    // The C buffer holds the line, a NUL, then stale bytes: for '*' lines what is left of the
    // previous '*' line, for '$' lines zeros (observed with 7.0.15).
    const byte = (k: number): number =>
      k < le ? buf[k]! : prefix === STAR && k - start < READLONG_BUF ? starBuf[k - start]! : 0;
    if (!newlineAt(byte, r.end)) return null;
    const big = r.value > 9007199254740991n || r.value < -9007199254740991n;
    return big ? r.value : Number(r.value);
  };
  const at = (k: number): number => buf[k]!;
  // readString: readLong('$'), range check, fread(len+2), consumeNewline on the last two bytes.
  // Returns the data's [start, end), or null.
  const readString = (): number | null => {
    const len = readLong(DOLLAR);
    if (len === null) return null;
    if (len < 0 || (typeof len === 'bigint' && len > LONG_MAX - 2n)) {
      setError(`Expected to read string of ${len} bytes, which is not in the suitable range`);
      return null;
    }
    epos = p;
    const avail = n - p;
    if (typeof len === 'bigint' || len + 2 > avail) {
      setError(`Expected to read ${BigInt(len) + 2n} bytes, got ${avail} bytes`);
      p = n;
      atEof = true;
      return null;
    }
    const dataStart = p;
    p += len + 2;
    if (buf[p - 2] === CR && buf[p - 1] === LF) line++;
    else if (!newlineAt(at, p - 2)) return null;
    return dataStart;
  };
  // processRESP: false when the command did not complete.
  const processResp = (): boolean => {
    const argcL = readLong(STAR);
    if (argcL === null) return false;
    const argc = Number(argcL);
    for (let i = 0; i < argc; i++) {
      const ds = readString();
      if (ds === null) return false;
      if (i === 0) {
        const len = p - 2 - ds;
        if (len !== 5 && len !== 4) continue;
        const lower = buf.toString('latin1', ds, ds + len).toLowerCase();
        if (lower === 'multi') {
          if (multi++) {
            setError(`Unexpected MULTI in AOF ${opts.pathForErrors}`);
            return false;
          }
        } else if (lower === 'exec') {
          if (--multi) {
            setError(`Unexpected EXEC in AOF ${opts.pathForErrors}`);
            return false;
          }
        }
      }
    }
    return true;
  };

  const onProgress = opts.onProgress;
  let nextProgress = onProgress ? p + PROGRESS_STEP : Infinity;
  for (;;) {
    if (!multi) pos = p;
    if (p >= nextProgress) {
      onProgress!(p);
      nextProgress = p + PROGRESS_STEP;
    }
    if (p >= n) {
      atEof = true;
      break;
    }
    const c = buf[p];
    if (c === HASH) {
      epos = p;
      const le = fgetsEnd(buf, p, AOF_LINE_BUF);
      if (toTs !== 0 && le - p >= 4 && buf.toString('latin1', p, p + 4) === '#TS:') {
        const r = strtolBytes(buf, p + 4, le);
        if (r.overflow || r.end >= le || buf[r.end] !== CR) {
          timestamp = { kind: 'invalid' };
          break;
        }
        if (r.value > BigInt(toTs)) {
          timestamp = { kind: 'after', offset: epos };
          break;
        }
      }
      p = le;
      if (p >= n && buf[n - 1] !== LF) atEof = true;
    } else if (c === STAR) {
      if (!processResp()) break;
    } else {
      formatError = true;
      break;
    }
  }

  if (onProgress) onProgress(n);
  if (atEof && multi && error === null) setError('Reached EOF before reading EXEC for MULTI');
  return { pos, line, error, formatError, timestamp };
}
