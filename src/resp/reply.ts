// Reply encoder: writes RESP2 or RESP3 straight into a per-client output buffer.
//
// Handlers call typed methods (bulk, integer, map, double ...) and never see the protocol
// version: the writer picks the RESP3 type (`%` map, `~` set, `,` double, `_` null, `#`
// boolean, `=` verbatim, `>` push) or its RESP2 fallback. Bytes accumulate in one buffer and
// leave only when the server's before-sleep step releases them (see server/server.ts), so
// many replies in one loop turn cost one socket write.

import { formatDouble } from './numbers.js';
import { type Latin1Buffer, writeLatin1 } from './latin1.js';


const CHUNK = 16 * 1024;
/** A buffer grown past this is not kept once its bytes are handed to the socket. */
const MAX_RETAINED = 4 * CHUNK;

export type Protocol = 2 | 3;

export class ReplyWriter {
  protocol: Protocol = 2;
  /** When true every reply is dropped (CLIENT REPLY OFF/SKIP, the AOF loading client). */
  discard = false;
  private buf: Latin1Buffer = EMPTY as Latin1Buffer;
  private start = 0;
  private len = 0;
  /** Error replies written (for total_error_replies / errorstats), counted by the caller. */
  onError: ((code: string) => void) | null = null;

  /** Bytes written but not yet released to the socket. */
  get pending(): number {
    return this.len - this.start;
  }

  /** Takes the unreleased bytes. The returned view stays valid: the buffer is only appended to. */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.len);
    this.start = this.len;
    if (this.len > this.buf.length - 256 || this.buf.length > MAX_RETAINED) {
      // Nearly full, or grown for a large reply: start the next reply in a fresh chunk (the
      // socket owns the old one), so an idle client does not keep megabytes.
      this.buf = EMPTY as Latin1Buffer;
      this.start = this.len = 0;
    }
    return out;
  }

  /** Drops unreleased bytes (used when a connection is gone). */
  reset(): void {
    this.start = this.len = 0;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const pending = this.len - this.start;
    // Doubling keeps a large reply (LRANGE of 100k elements) linear: growing to the exact
    // size re-copied everything written so far on every element.
    const size = Math.max(CHUNK, 2 * (pending + n));
    const next = Buffer.allocUnsafe(size) as Latin1Buffer;
    if (pending > 0) this.buf.copy(next, 0, this.start, this.len);
    this.buf = next;
    this.start = 0;
    this.len = pending;
  }

  private ascii(s: string): void {
    this.ensure(s.length);
    this.text(s);
  }

  /** Writes latin1 text at the end (space already ensured). */
  private text(s: string): void {
    this.len = writeLatin1(this.buf, this.len, s);
  }

  /** Raw protocol bytes (already encoded). */
  raw(data: string | Buffer): void {
    if (this.discard) return;
    if (typeof data === 'string') this.ascii(data);
    else {
      this.ensure(data.length);
      data.copy(this.buf, this.len);
      this.len += data.length;
    }
  }

  ok(): void {
    this.simple('OK');
  }

  simple(s: string): void {
    if (this.discard) return;
    this.ensure(s.length + 3);
    this.buf[this.len++] = 43; // '+'
    this.text(s);
    this.crlf();
  }

  /**
   * An error reply. `message` starts with its code ("ERR ...", "WRONGTYPE ..."); CR and LF
   * are replaced by spaces so the reply stays one line, as Redis does.
   */
  error(message: string): void {
    if (this.onError !== null) {
      const sp = message.indexOf(' ');
      this.onError(sp < 0 ? message : message.slice(0, sp));
    }
    if (this.discard) return;
    const text = /[\r\n]/.test(message) ? message.replace(/[\r\n]/g, ' ') : message;
    this.ensure(text.length + 3);
    this.buf[this.len++] = 45; // '-'
    this.len += this.buf.latin1Write(text, this.len);
    this.crlf();
  }

  integer(n: number | bigint): void {
    if (this.discard) return;
    this.ascii(`:${n}\r\n`);
  }

  /** A binary-safe bulk string; `s` holds one byte per char (latin1). */
  bulk(s: string): void {
    if (this.discard) return;
    const n = s.length;
    this.ensure(n + 16);
    this.buf[this.len++] = 36; // '$'
    this.text(String(n));
    this.crlf();
    if (n > 0) this.text(s);
    this.crlf();
  }

  bulkBuffer(b: Buffer): void {
    if (this.discard) return;
    this.ascii(`$${b.length}\r\n`);
    this.raw(b);
    this.crlf();
  }

  /** A nil bulk string: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    if (this.discard) return;
    this.ascii(this.protocol === 3 ? '_\r\n' : '$-1\r\n');
  }

  /** A nil array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    if (this.discard) return;
    this.ascii(this.protocol === 3 ? '_\r\n' : '*-1\r\n');
  }

  array(n: number): void {
    if (this.discard) return;
    this.ascii(`*${n}\r\n`);
  }

  /** A map of n pairs: `%n` in RESP3, a flat array of 2n in RESP2. */
  map(n: number): void {
    if (this.discard) return;
    this.ascii(this.protocol === 3 ? `%${n}\r\n` : `*${n * 2}\r\n`);
  }

  /** A set of n members: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    if (this.discard) return;
    this.ascii(this.protocol === 3 ? `~${n}\r\n` : `*${n}\r\n`);
  }

  /** An out-of-band push frame: `>n` in RESP3, an array in RESP2. */
  push(n: number): void {
    if (this.discard) return;
    this.ascii(this.protocol === 3 ? `>${n}\r\n` : `*${n}\r\n`);
  }

  /** A double: `,<d>` in RESP3, a bulk string in RESP2 (Redis 7.0 formats with %.17g). */
  double(d: number): void {
    if (this.discard) return;
    const text = formatDouble(d);
    if (this.protocol === 3) this.ascii(`,${text}\r\n`);
    else this.bulk(text);
  }

  /** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
  bool(b: boolean): void {
    if (this.discard) return;
    if (this.protocol === 3) this.ascii(b ? '#t\r\n' : '#f\r\n');
    else this.ascii(b ? ':1\r\n' : ':0\r\n');
  }

  /** A verbatim string (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.discard) return;
    if (this.protocol !== 3) return this.bulk(s);
    this.ascii(`=${s.length + 4}\r\n${format}:`);
    this.ensure(s.length + 2);
    this.len += this.buf.latin1Write(s, this.len);
    this.crlf();
  }

  /** A bulk string per element, as an array. */
  bulkArray(items: readonly string[]): void {
    if (this.discard) return;
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }

  private crlf(): void {
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }
}

const EMPTY = Buffer.alloc(0);
