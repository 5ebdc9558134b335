// A raw RESP test client: sends commands (multibulk or raw bytes) and reads replies either
// as exact bytes (for reply-shape tests) or decoded into JS values.
//
// Decoded forms: simple string -> { simple: 'OK' }  ... but for convenience `call()` maps
//   +OK -> 'OK', $bulk -> string, :n -> number, _ / $-1 / *-1 -> null, -ERR -> RespError,
//   * / ~ / > -> array, % -> Map, , -> number (double), # -> boolean, = -> string (payload).

import net from 'node:net';

export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

export type RespValue = string | number | bigint | boolean | null | RespError | RespValue[] | Map<RespValue, RespValue>;

export function encodeCommand(args: readonly (string | number | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => resolve(new RespClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitData(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout waiting for reply; buffered: ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Sends raw bytes as they are. */
  writeRaw(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Sends one command as a multibulk request. */
  send(...args: (string | number | Buffer)[]): void {
    this.socket.write(encodeCommand(args));
  }

  /** Reads the exact bytes of the next complete reply. */
  async readRaw(timeoutMs = 5000): Promise<string> {
    for (;;) {
      const end = frameEnd(this.buf, 0);
      if (end >= 0) {
        const out = this.buf.subarray(0, end).toString('latin1');
        this.buf = this.buf.subarray(end);
        return out;
      }
      if (this.closed) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buf.toString('latin1'))}`);
      await this.waitData(timeoutMs);
    }
  }

  /** Reads and decodes the next reply. */
  async read(timeoutMs = 5000): Promise<RespValue> {
    const raw = await this.readRaw(timeoutMs);
    return decode(Buffer.from(raw, 'latin1'), 0)[0];
  }

  /** Sends a command and returns its decoded reply. */
  async call(...args: (string | number | Buffer)[]): Promise<RespValue> {
    this.send(...args);
    return this.read();
  }

  /** Sends a command and returns the exact bytes of its reply. */
  async callRaw(...args: (string | number | Buffer)[]): Promise<string> {
    this.send(...args);
    return this.readRaw();
  }

  /** Resolves once the server closed the connection (rejects after timeoutMs). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    while (!this.closed) await this.waitData(timeoutMs);
  }

  /** Bytes received but not consumed as a reply. */
  get unread(): string {
    return this.buf.toString('latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Offset just past the complete frame starting at `pos`, or -1 if incomplete. */
export function frameEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return -1;
  const type = String.fromCharCode(buf[pos]!);
  const head = buf.subarray(pos + 1, nl).toString('latin1');
  const after = nl + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return after;
    case '$':
    case '=':
    case '!': {
      const n = Number(head);
      if (n < 0) return after;
      return buf.length >= after + n + 2 ? after + n + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = Number(head);
      if (n < 0) return after;
      if (type === '%' || type === '|') n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        p = frameEnd(buf, p);
        if (p < 0) return -1;
      }
      if (type === '|') return frameEnd(buf, p);
      return p;
    }
    default:
      throw new Error(`bad RESP type byte ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1', pos, pos + 60))}`);
  }
}

/** Decodes one frame at `pos`: [value, next offset]. */
export function decode(buf: Buffer, pos: number): [RespValue, number] {
  const nl = buf.indexOf('\r\n', pos);
  const type = String.fromCharCode(buf[pos]!);
  const head = buf.subarray(pos + 1, nl).toString('latin1');
  const after = nl + 2;
  switch (type) {
    case '+':
      return [head, after];
    case '-':
      return [new RespError(head), after];
    case ':':
      return [Number(head), after];
    case '(':
      return [BigInt(head), after];
    case '_':
      return [null, after];
    case ',':
      return [head === 'inf' ? Infinity : head === '-inf' ? -Infinity : Number(head), after];
    case '#':
      return [head === 't', after];
    case '$':
    case '!':
    case '=': {
      const n = Number(head);
      if (n < 0) return [null, after];
      let s = buf.subarray(after, after + n).toString('latin1');
      if (type === '=') s = s.slice(4);
      return [type === '!' ? new RespError(s) : s, after + n + 2];
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(head);
      if (n < 0) return [null, after];
      const out: RespValue[] = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const [v, q] = decode(buf, p);
        out.push(v);
        p = q;
      }
      return [out, p];
    }
    case '%': {
      const n = Number(head);
      const m = new Map<RespValue, RespValue>();
      let p = after;
      for (let i = 0; i < n; i++) {
        const [k, q] = decode(buf, p);
        const [v, r] = decode(buf, q);
        m.set(k, v);
        p = r;
      }
      return [m, p];
    }
    default:
      throw new Error(`bad RESP type ${type}`);
  }
}
