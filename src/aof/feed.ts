// AOF feed: turns propagated operations into the bytes Redis 7.0 appends to its AOF.
//
// Each operation becomes a RESP multibulk record (`*<argc>\r\n$<len>\r\n<bytes>\r\n...`,
// latin1: one char per byte, binary safe). A `SELECT <db>` record precedes an operation whose
// db differs from the last one written, and the first one after reset(). The closing EXEC of
// a unit (db -1) never causes a SELECT; MULTI carries its unit's first db (Propagator), so the
// SELECT lands before MULTI as in Redis 7.0. With timestamps on, `#TS:<unix-seconds>\r\n`
// precedes the records of a new second (Redis: when the cached unixtime is greater than the
// last annotated one; never reset).
//
// Records accumulate in one growable buffer that the writer drains once per event-loop turn:
// peek()/consume(n) for a write that may fail or be short (unwritten bytes stay), or take()
// to hand the bytes off without copying. `appended` is the logical offset of the end of the
// buffer, for "durable up to the offset current when the command ran".

import type { PropagatedOp } from '../commands/propagation.js';
import type { Server } from '../server/server.js';
import { type Latin1Buffer, writeLatin1 } from '../resp/latin1.js';


const CHUNK = 64 * 1024;
/** Storage grown past this is dropped once drained, so a burst does not pin memory. */
const MAX_RETAINED = 4 * CHUNK;
const EMPTY = Buffer.alloc(0) as Latin1Buffer;
/** `*2\r\n$6\r\nSELECT\r\n` */
const SELECT_HEAD = '*2\r\n$6\r\nSELECT\r\n';

export class AofFeed {
  /** Write `#TS:` annotations (aof-timestamp-enabled). */
  timestamps = false;
  private buf: Latin1Buffer = EMPTY;
  private start = 0;
  private len = 0;
  /** Bytes consumed or taken since construction (appended = base + pending). */
  private base = 0;
  /** A take() handed out a view of buf: its bytes must never be overwritten. */
  private shared = false;
  private selectedDb = -1;
  private curTimestamp = 0;

  /** Forgets the db last written: the next operation is preceded by SELECT (Redis's
   *  aof_selected_db = -1 at start, after a rewrite switch, on appendonly no/yes). */
  reset(): void {
    this.selectedDb = -1;
  }

  /**
   * Records that a `#TS:<unixtime>` line was written elsewhere in this process (Redis 7.0:
   * the BASE created synchronously at start-up with aof-timestamp-enabled, whose forced
   * annotation sets aof_cur_timestamp, so the INCR's records of that second carry none).
   */
  markTimestamp(unixtime: number): void {
    if (unixtime > this.curTimestamp) this.curTimestamp = unixtime;
  }

  /** Bytes appended and not yet consumed or taken. */
  get pending(): number {
    return this.len - this.start;
  }

  /** Total bytes ever appended: the logical offset of the end of the buffer. */
  get appended(): number {
    return this.base + (this.len - this.start);
  }

  /** The pending bytes, without consuming them; valid until the next consume() or take(). */
  peek(): Buffer {
    return this.buf.subarray(this.start, this.len);
  }

  /** Drops the first `n` pending bytes (written to the file). */
  consume(n: number): void {
    if (n < 0 || n > this.len - this.start) throw new RangeError(`consume(${n}) with ${this.len - this.start} pending`);
    this.start += n;
    this.base += n;
    if (this.start === this.len) {
      if (this.buf.length > MAX_RETAINED) {
        this.buf = EMPTY;
        this.shared = false;
      }
      if (!this.shared) this.start = this.len = 0;
    }
  }

  /** Takes the pending bytes without copying; the returned view stays valid (never reused). */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.len);
    this.base += this.len - this.start;
    this.start = this.len;
    this.shared = true;
    if (this.len > this.buf.length - 256 || this.buf.length > MAX_RETAINED) {
      this.buf = EMPTY;
      this.start = this.len = 0;
      this.shared = false;
    }
    return out;
  }

  /** Appends one execution unit's operations, as delivered by the Propagator. `nowMs` is the
   *  server's cached time (for `#TS:`). */
  feed(ops: readonly PropagatedOp[], nowMs: number = Date.now()): void {
    const unixtime = Math.floor(nowMs / 1000);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      this.feedOp(op.db, op.argv, unixtime);
    }
  }

  /** Appends one operation (db -1: no SELECT). */
  feedOp(db: number, argv: readonly string[], unixtime: number): void {
    if (this.timestamps && this.curTimestamp < unixtime) {
      this.curTimestamp = unixtime;
      const ts = `#TS:${unixtime}\r\n`;
      this.ensure(ts.length);
      this.text(ts);
    }
    if (db !== this.selectedDb && db >= 0) {
      const n = String(db);
      this.ensure(SELECT_HEAD.length + 32);
      this.text(SELECT_HEAD);
      this.header(36, n.length);
      this.text(n);
      this.crlf();
      this.selectedDb = db;
    }
    // Upper bound: each header is at most 1 + 16 digits + CRLF.
    let size = 19;
    for (let i = 0; i < argv.length; i++) size += argv[i]!.length + 21;
    this.ensure(size);
    this.header(42, argv.length);
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      this.header(36, a.length);
      this.text(a);
      this.crlf();
    }
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const pending = this.len - this.start;
    // Doubling keeps a large unit linear; the old storage stays intact for any taken view.
    const next = Buffer.allocUnsafe(Math.max(CHUNK, 2 * (pending + n))) as Latin1Buffer;
    if (pending > 0) this.buf.copy(next, 0, this.start, this.len);
    this.buf = next;
    this.start = 0;
    this.len = pending;
    this.shared = false;
  }

  /** `<type><n>\r\n` (space already ensured), digits written in place: no allocation. */
  private header(type: number, n: number): void {
    const buf = this.buf;
    buf[this.len++] = type;
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let at = this.len + digits;
    this.len = at;
    do {
      buf[--at] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    buf[this.len++] = 13;
    buf[this.len++] = 10;
  }

  private crlf(): void {
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** Latin1 text (space already ensured). */
  private text(s: string): void {
    this.len = writeLatin1(this.buf, this.len, s);
  }
}

/**
 * Feeds `server`'s propagated operations into `feed` (created when not given), following
 * `aof-timestamp-enabled` and using the server's cached command time for `#TS:`. Changes
 * nothing else in the server. Returns the feed and a function that detaches it.
 */
export function attachAofFeed(server: Server, feed: AofFeed = new AofFeed()): { feed: AofFeed; detach: () => void } {
  const listener = (ops: readonly PropagatedOp[]): void => {
    feed.timestamps = server.config.bool('aof-timestamp-enabled');
    feed.feed(ops, server.keyspace.time);
  };
  server.propagation.addListener(listener);
  return { feed, detach: () => server.propagation.removeListener(listener) };
}
