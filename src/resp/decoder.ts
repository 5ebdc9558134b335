// Incremental request decoder: turns socket bytes into argv arrays.
//
// Two request forms, as Redis accepts them:
//   multibulk  *<argc>\r\n$<len>\r\n<bytes>\r\n ...   (what clients send)
//   inline     PING\r\n   SET k "a b"\r\n             (what people type into telnet)
// Frames may be split anywhere across reads. The decoder is pull-based: feed() stores bytes,
// next() returns one complete argv at a time, so a blocked or paused client simply stops
// pulling and the rest stays buffered. Arguments are latin1 strings: one char per byte, which
// keeps them binary-safe and cheap to hash (see docs/binary-safety.md).

import { constants as bufferConstants } from 'node:buffer';

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Read on every request header, so a limits object with getters follows CONFIG SET. */
export interface DecoderLimits {
  /** proto-max-bulk-len: largest single argument. */
  readonly maxBulkLen: number;
  /** Largest argc of one multibulk request. */
  readonly maxMultibulkLen: number;
  /**
   * Whether the connection still has to authenticate. Redis then refuses requests with more
   * than 10 arguments or an argument over 16 KiB before reading them (7.0's
   * "unauthenticated multibulk/bulk length").
   */
  authRequired?(): boolean;
}

/** Redis's PROTO_INLINE_MAX_SIZE: an inline request or a count line may not exceed 64 KiB. */
export const INLINE_MAX_SIZE = 64 * 1024;
/** Limits on requests of a connection that must still authenticate (networking.c). */
const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK = 16384;
/**
 * The longest JS string (2^29 - 24 characters on 64-bit V8): an argument is a latin1 string,
 * so this caps every bulk length, 24 bytes below Redis's largest proto-max-bulk-len (512mb).
 * A longer one is refused like one over proto-max-bulk-len rather than crashing the process.
 */
const MAX_ARG_LEN = bufferConstants.MAX_STRING_LENGTH;
/** Arguments at least this large are gathered into a dedicated buffer instead of re-concatenating reads. */
const BIG_ARG = 32 * 1024;

const CR = 13;
const LF = 10;

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

export class RequestDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Arguments still expected by the multibulk request in progress (0 = between requests). */
  private argsLeft = 0;
  /** Length of the bulk argument whose header was read, -1 while waiting for a `$` line. */
  private bulkLen = -1;
  private argv: string[] = [];
  /** A large argument being assembled across reads. */
  private big: Buffer | null = null;
  private bigFilled = 0;

  constructor(private readonly limits: DecoderLimits) {}

  /**
   * Bytes received but not yet turned into commands: Redis's query buffer (CLIENT LIST qbuf,
   * client-query-buffer-limit). While a big argument is being filled, Redis reads no further
   * than its end, so bytes past it are not counted until it completes.
   */
  get pendingBytes(): number {
    return this.big !== null ? this.bigFilled : this.buf.length - this.pos;
  }

  /** Whether a request has been started but not completed. */
  get inRequest(): boolean {
    return this.argsLeft > 0 || this.pos < this.buf.length;
  }

  feed(chunk: Buffer): void {
    if (this.big !== null) {
      // Fill the big argument straight from the socket chunk: no concatenation.
      const want = this.big.length - this.bigFilled;
      const n = Math.min(want, chunk.length);
      chunk.copy(this.big, this.bigFilled, 0, n);
      this.bigFilled += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    }
  }

  /**
   * The next complete request, or null when more bytes are needed.
   * Throws ProtocolError (with Redis's exact text) on malformed input; the caller replies
   * with it and closes the connection.
   */
  next(): string[] | null {
    // Read once per request: a CONFIG SET can only run between requests, so this is as
    // current as reading it at every header, for a third of the cost on a SET.
    const maxBulkLen = this.limits.maxBulkLen;
    for (;;) {
      if (this.big !== null) {
        if (!this.finishBigArg()) return null;
        if (this.argsLeft === 0) return this.takeArgv();
        continue;
      }
      const buf = this.buf as Latin1Buffer;
      const end = buf.length;
      if (this.pos >= end) return null;
      if (this.argsLeft === 0) {
        if (buf[this.pos] !== 42 /* '*' */) {
          const argv = this.parseInline();
          if (argv === null) return null;
          if (argv.length === 0) continue; // empty line: skipped
          return argv;
        }
        const cr = countLineEnd(buf, this.pos, end);
        if (cr < 0) {
          if (cr === NO_LINE && end - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big mbulk count string');
          return null;
        }
        const count = string2ll(buf, this.pos + 1, cr);
        if (count === null || count > this.limits.maxMultibulkLen) {
          throw new ProtocolError('Protocol error: invalid multibulk length');
        }
        if (count > UNAUTH_MAX_ARGS && this.limits.authRequired?.()) {
          throw new ProtocolError('Protocol error: unauthenticated multibulk length');
        }
        this.pos = cr + 2;
        if (count <= 0) continue; // "*0" and negative counts are ignored, as in Redis
        this.argsLeft = count;
        this.argv = [];
        this.bulkLen = -1;
      }
      // Inside a multibulk request: read `$<len>` then the payload, argsLeft times.
      while (this.argsLeft > 0) {
        if (this.bulkLen < 0) {
          if (this.pos >= end) return null;
          const cr = countLineEnd(buf, this.pos, end);
          if (cr < 0) {
            if (cr === NO_LINE && end - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big bulk count string');
            return null;
          }
          if (buf[this.pos] !== 36 /* '$' */) {
            throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
          }
          const len = string2ll(buf, this.pos + 1, cr);
          if (len === null || len < 0 || len > maxBulkLen || len > MAX_ARG_LEN) {
            throw new ProtocolError('Protocol error: invalid bulk length');
          }
          if (len > UNAUTH_MAX_BULK && this.limits.authRequired?.()) {
            throw new ProtocolError('Protocol error: unauthenticated bulk length');
          }
          this.pos = cr + 2;
          this.bulkLen = len;
          if (len >= BIG_ARG && end - this.pos < len + 2) {
            this.big = Buffer.allocUnsafe(len + 2);
            this.bigFilled = end - this.pos;
            buf.copy(this.big, 0, this.pos, end);
            this.pos = end;
            if (!this.finishBigArg()) return null;
            continue;
          }
        }
        if (end - this.pos < this.bulkLen + 2) return null;
        this.argv.push(bytesToLatin1(buf, this.pos, this.pos + this.bulkLen));
        this.pos += this.bulkLen + 2;
        this.bulkLen = -1;
        this.argsLeft--;
      }
      return this.takeArgv();
    }
  }

  private takeArgv(): string[] {
    const argv = this.argv;
    this.argv = [];
    if (this.pos >= this.buf.length) {
      // Drop the reference to the consumed socket chunk.
      this.buf = EMPTY;
      this.pos = 0;
    }
    return argv;
  }

  /** Completes a big argument once all its bytes (plus CRLF) arrived. */
  private finishBigArg(): boolean {
    const big = this.big!;
    if (this.bigFilled < big.length) {
      // Bytes may still sit in buf after a feed() that overflowed the big buffer.
      const avail = this.buf.length - this.pos;
      if (avail > 0) {
        const n = Math.min(avail, big.length - this.bigFilled);
        this.buf.copy(big, this.bigFilled, this.pos, this.pos + n);
        this.bigFilled += n;
        this.pos += n;
      }
      if (this.bigFilled < big.length) return false;
    }
    this.argv.push((big as Latin1Buffer).latin1Slice(0, big.length - 2));
    this.big = null;
    this.bigFilled = 0;
    this.bulkLen = -1;
    this.argsLeft--;
    return true;
  }

  /** One inline request, [] for an empty line, null when the line is not complete. */
  private parseInline(): string[] | null {
    const buf = this.buf as Latin1Buffer;
    const nl = buf.indexOf(LF, this.pos);
    // Redis finds the newline with strchr(): a NUL byte before it hides it, so the request
    // stays incomplete (and eventually becomes "too big").
    if (nl < 0 || buf.subarray(this.pos, nl).indexOf(0) >= 0) {
      if (buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big inline request');
      return null;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && buf[lineEnd - 1] === CR) lineEnd--;
    const line = buf.latin1Slice(this.pos, lineEnd);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    if (this.pos >= buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    }
    return argv;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * buf[start, end) as a latin1 string. Most arguments are short (command names, small
 * values), and building those in JS (~15 ns) is several times cheaper than a native
 * latin1Slice() call (~70 ns), which is kept for longer ones.
 */
export function bytesToLatin1(buf: Buffer, start: number, end: number): string {
  const f = String.fromCharCode;
  switch (end - start) {
    case 0:
      return '';
    case 1:
      return f(buf[start]!);
    case 2:
      return f(buf[start]!, buf[start + 1]!);
    case 3:
      return f(buf[start]!, buf[start + 1]!, buf[start + 2]!);
    case 4:
      return f(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!);
    case 5:
      return f(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!, buf[start + 4]!);
    case 6:
      return f(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!, buf[start + 4]!, buf[start + 5]!);
    default:
      return (buf as Latin1Buffer).latin1Slice(start, end);
  }
}

/** countLineEnd(): no CR yet (or hidden behind a NUL byte). */
const NO_LINE = -1;
/** countLineEnd(): the CR arrived but not the byte after it. */
const PARTIAL_LINE = -2;

/**
 * The CR ending a `*<count>` or `$<len>` line that starts at `start`, as Redis finds it:
 * strchr(querybuf, '\r') — so a NUL byte before the CR hides it — and the line is complete
 * once one more byte (the LF, which Redis skips without checking) has arrived.
 */
function countLineEnd(buf: Buffer, start: number, end: number): number {
  // Count lines are a few bytes long: a JS scan beats a native indexOf() call per header.
  const scanEnd = Math.min(end, start + 32);
  for (let i = start; i < scanEnd; i++) {
    const b = buf[i];
    if (b === CR) return i + 1 < end ? i : PARTIAL_LINE;
    if (b === 0) return NO_LINE;
  }
  if (scanEnd === end) return NO_LINE;
  const cr = buf.indexOf(CR, scanEnd);
  if (cr < 0) return NO_LINE;
  for (let i = scanEnd; i < cr; i++) if (buf[i] === 0) return NO_LINE;
  return cr + 1 < end ? cr : PARTIAL_LINE;
}

/**
 * Redis's string2ll() over buf[start, end): an optional '-', then "0" alone or digits not
 * starting with 0; at most 20 characters; within the signed 64-bit range. Returns null when
 * the text is not such a number. Values beyond 2^53 (always over every limit) come back
 * rounded, with their sign.
 */
function string2ll(buf: Uint8Array, start: number, end: number): number | null {
  const len = end - start;
  if (len <= 0 || len >= 21) return null;
  if (len === 1 && buf[start] === 48 /* '0' */) return 0;
  let i = start;
  const negative = buf[i] === 45; /* '-' */
  if (negative) {
    i++;
    if (i === end) return null;
  }
  const first = buf[i]! - 48;
  if (first < 1 || first > 9) return null;
  let value = first;
  for (i++; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    // Exact overflow check on the rare long form.
    let text = '';
    for (let j = start; j < end; j++) text += String.fromCharCode(buf[j]!);
    const big = BigInt(text);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  }
  return negative ? -value : value;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/**
 * Splits an inline line into arguments exactly as Redis's sdssplitargs() (shared by the
 * inline protocol, redis-cli and the config file parser): arguments are separated by
 * whitespace; "double quotes" understand \n \r \t \b \a \xHH and \<any char>, 'single
 * quotes' only \'; a closing quote must be followed by whitespace or the end of the line.
 * Returns null for unbalanced quotes. Like the C original, the text ends at a NUL byte, and an
 * unquoted argument ends only at space, \t, \r or \n (not \v or \f, which only count as
 * whitespace between arguments).
 */
export function splitArgs(input: string): string[] | null {
  const nul = input.indexOf('\0');
  const line = nul < 0 ? input : input.slice(0, nul);
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2] ?? '') && isHex(line[i + 3] ?? '')) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else {
          current += c;
        }
        i++;
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === "'") {
          current += "'";
          i += 2;
          continue;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        }
        current += c;
        i++;
      } else {
        if (i >= n) break;
        const c = line[i]!;
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
        i++;
      }
    }
    out.push(current);
  }
}

function isSpace(code: number): boolean {
  // isspace(): space, \t, \n, \v, \f, \r
  return code === 32 || (code >= 9 && code <= 13);
}
