// `npm run bench:repr`: how should keys and string values live in memory — latin1 JS strings
// (one char per byte) or Buffers? Measures the operations a request goes through:
//   1. socket bytes -> argument   (latin1Slice vs a copied Buffer vs a zero-copy view)
//   2. insert into the keyspace   (Map<string, string> vs a Buffer-keyed hash table)
//   3. lookup with a fresh key    (as every request brings its own copy of the key)
//   4. reply encoding             (latin1Write of a string vs Buffer.copy into the output)
//   5. memory per key
//   6. a V8 caveat: strings longer than 16383 chars are hashed by length only
// A Map cannot key on Buffer contents (Buffers compare by identity), so the Buffer variants
// use what a Buffer-based server would need: a hash table with a byte hash in JS and
// Buffer.equals on collisions.
//
// Environment: REPR_KEYS [500000] keys per table, REPR_REPEAT [3] repetitions (best is kept).
// Run with --expose-gc (the npm script does) for the memory figures.

import { performance } from 'node:perf_hooks';

type Latin1Buffer = Buffer & {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length?: number): number;
};

const KEYS = Number(process.env.REPR_KEYS || 500_000);
const REPEAT = Number(process.env.REPR_REPEAT || 3);
const gc = (globalThis as { gc?: () => void }).gc;

/** Best time of REPEAT runs of fn (after one warm-up), as nanoseconds per operation. */
function measure(ops: number, fn: () => unknown): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    gc?.();
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1e6) / ops;
}

/** Prints one measurement: a time per operation, or (ns null) only the note. */
function record(group: string, name: string, ns: number | null, note?: string): void {
  const time = ns === null ? '' : `${ns.toFixed(1).padStart(9)} ns/op`;
  console.log(`${group.padEnd(28)} ${name.padEnd(48)} ${time}${note ? `${time ? '  ' : ''}${note}` : ''}`);
}

// ---- a Buffer-keyed hash table (what Buffers as keys would require) ---------------------

function hashBytes(b: Uint8Array): number {
  // FNV-1a, 32 bit.
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) {
    h ^= b[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

interface BufEntry {
  key: Buffer;
  value: Buffer;
  next: BufEntry | null;
}

class BufferMap {
  private table = new Map<number, BufEntry>();
  size = 0;
  set(key: Buffer, value: Buffer): void {
    const h = hashBytes(key);
    let e = this.table.get(h) ?? null;
    for (let x = e; x !== null; x = x.next) {
      if (x.key.equals(key)) {
        x.value = value;
        return;
      }
    }
    e = { key, value, next: e };
    this.table.set(h, e);
    this.size++;
  }
  get(key: Buffer): Buffer | undefined {
    for (let x = this.table.get(hashBytes(key)) ?? null; x !== null; x = x.next) if (x.key.equals(key)) return x.value;
    return undefined;
  }
}

// ---- data: a socket chunk holding N SET requests' key and value bytes --------------------

const keyText = (i: number): string => `key:${String(i).padStart(10, '0')}`; // 14 bytes
const VALUE_SIZE = 32;
const socket = Buffer.allocUnsafe(KEYS * (14 + VALUE_SIZE)) as Latin1Buffer;
for (let i = 0; i < KEYS; i++) {
  const off = i * (14 + VALUE_SIZE);
  socket.write(keyText(i), off, 'latin1');
  for (let j = 0; j < VALUE_SIZE; j++) socket[off + 14 + j] = (i * 7 + j * 13) & 255; // binary, not UTF-8
}
const keyAt = (i: number): number => i * (14 + VALUE_SIZE);
const valAt = (i: number): number => keyAt(i) + 14;

function main(): void {
  console.log(`# latin1 strings vs Buffers — ${KEYS} keys of 14 bytes, values of ${VALUE_SIZE} bytes, best of ${REPEAT}`);
  console.log(`node ${process.version}${gc ? '' : ' (run with --expose-gc for memory figures)'}\n`);

  // 1. socket bytes -> argument
  const G1 = '1. socket -> argument';
  record(G1, 'latin1Slice -> string (14 B key)', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) n += socket.latin1Slice(keyAt(i), keyAt(i) + 14).length;
    return n;
  }));
  record(G1, 'Buffer copy (allocUnsafe + copy, 14 B key)', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) {
      const b = Buffer.allocUnsafe(14);
      socket.copy(b, 0, keyAt(i), keyAt(i) + 14);
      n += b.length;
    }
    return n;
  }));
  record(G1, 'subarray view (no copy, pins the chunk)', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) n += socket.subarray(keyAt(i), keyAt(i) + 14).length;
    return n;
  }));
  const big = Buffer.alloc(64 * 1024, 0xab) as Latin1Buffer;
  const BIG_OPS = 20_000;
  record(G1, 'latin1Slice -> string (16 KB value)', measure(BIG_OPS, () => {
    let n = 0;
    for (let i = 0; i < BIG_OPS; i++) n += big.latin1Slice(i & 1023, (i & 1023) + 16384).length;
    return n;
  }));
  record(G1, 'Buffer copy (16 KB value)', measure(BIG_OPS, () => {
    let n = 0;
    for (let i = 0; i < BIG_OPS; i++) {
      const b = Buffer.allocUnsafe(16384);
      big.copy(b, 0, i & 1023, (i & 1023) + 16384);
      n += b.length;
    }
    return n;
  }));

  // 2. insert (arguments already converted, as the decoder hands them over)
  const G2 = '2. insert';
  const strKeys = Array.from({ length: KEYS }, (_, i) => socket.latin1Slice(keyAt(i), keyAt(i) + 14));
  const strVals = Array.from({ length: KEYS }, (_, i) => socket.latin1Slice(valAt(i), valAt(i) + VALUE_SIZE));
  const bufKeys = Array.from({ length: KEYS }, (_, i) => Buffer.from(socket.subarray(keyAt(i), keyAt(i) + 14)));
  const bufVals = Array.from({ length: KEYS }, (_, i) => Buffer.from(socket.subarray(valAt(i), valAt(i) + VALUE_SIZE)));
  let strMap = new Map<string, string>();
  record(G2, 'Map<string, string>', measure(KEYS, () => {
    strMap = new Map();
    for (let i = 0; i < KEYS; i++) strMap.set(strKeys[i]!, strVals[i]!);
  }));
  let hybrid = new Map<string, Buffer>();
  record(G2, 'Map<string, Buffer> (string keys, Buffer values)', measure(KEYS, () => {
    hybrid = new Map();
    for (let i = 0; i < KEYS; i++) hybrid.set(strKeys[i]!, bufVals[i]!);
  }));
  let bufMap = new BufferMap();
  record(G2, 'BufferMap (FNV-1a in JS + Buffer.equals)', measure(KEYS, () => {
    bufMap = new BufferMap();
    for (let i = 0; i < KEYS; i++) bufMap.set(bufKeys[i]!, bufVals[i]!);
  }));

  // 3. lookup with fresh keys (each request brings a new copy: no cached hash)
  const G3 = '3. lookup, fresh key';
  const fresh = (i: number): number => (i * 7919) % KEYS;
  record(G3, 'latin1Slice + Map<string,string>.get', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) {
      const k = socket.latin1Slice(keyAt(fresh(i)), keyAt(fresh(i)) + 14);
      n += strMap.get(k)!.length;
    }
    return n;
  }));
  record(G3, 'Buffer copy + BufferMap.get', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) {
      const b = Buffer.allocUnsafe(14);
      socket.copy(b, 0, keyAt(fresh(i)), keyAt(fresh(i)) + 14);
      n += bufMap.get(b)!.length;
    }
    return n;
  }));
  record(G3, 'subarray view + BufferMap.get', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) n += bufMap.get(socket.subarray(keyAt(fresh(i)), keyAt(fresh(i)) + 14))!.length;
    return n;
  }));

  // The same with a table of 1000 keys (fits in cache): the cost of hashing itself.
  const SMALL = 1000;
  const smallStr = new Map<string, string>();
  const smallBuf = new BufferMap();
  for (let i = 0; i < SMALL; i++) {
    smallStr.set(strKeys[i]!, strVals[i]!);
    smallBuf.set(bufKeys[i]!, bufVals[i]!);
  }
  record(G3, 'latin1Slice + get, 1000-key table', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) {
      const j = fresh(i) % SMALL;
      n += smallStr.get(socket.latin1Slice(keyAt(j), keyAt(j) + 14))!.length;
    }
    return n;
  }));
  record(G3, 'subarray view + BufferMap.get, 1000-key table', measure(KEYS, () => {
    let n = 0;
    for (let i = 0; i < KEYS; i++) {
      const j = fresh(i) % SMALL;
      n += smallBuf.get(socket.subarray(keyAt(j), keyAt(j) + 14))!.length;
    }
    return n;
  }));

  // 4. reply encoding: "$<len>\r\n<value>\r\n" into an output buffer
  const G4 = '4. reply encoding';
  const out = Buffer.allocUnsafe(1 << 20) as Latin1Buffer;
  const encodeStrings = (vals: readonly string[]): number => {
    let pos = 0;
    for (const v of vals) {
      if (pos + v.length + 32 > out.length) pos = 0;
      out[pos++] = 36;
      pos += out.latin1Write(String(v.length), pos);
      out[pos++] = 13;
      out[pos++] = 10;
      pos += out.latin1Write(v, pos);
      out[pos++] = 13;
      out[pos++] = 10;
    }
    return pos;
  };
  const encodeBuffers = (vals: readonly Buffer[]): number => {
    let pos = 0;
    for (const v of vals) {
      if (pos + v.length + 32 > out.length) pos = 0;
      out[pos++] = 36;
      pos += out.latin1Write(String(v.length), pos);
      out[pos++] = 13;
      out[pos++] = 10;
      pos += v.copy(out, pos);
      out[pos++] = 13;
      out[pos++] = 10;
    }
    return pos;
  };
  // Small strings: a JS loop avoids the native call of latin1Write.
  const encodeStringsLoop = (vals: readonly string[]): number => {
    let pos = 0;
    for (const v of vals) {
      if (pos + v.length + 32 > out.length) pos = 0;
      out[pos++] = 36;
      pos += out.latin1Write(String(v.length), pos);
      out[pos++] = 13;
      out[pos++] = 10;
      for (let i = 0; i < v.length; i++) out[pos++] = v.charCodeAt(i);
      out[pos++] = 13;
      out[pos++] = 10;
    }
    return pos;
  };
  record(G4, `latin1Write of a ${VALUE_SIZE} B string`, measure(KEYS, () => encodeStrings(strVals)));
  record(G4, `charCodeAt loop over a ${VALUE_SIZE} B string`, measure(KEYS, () => encodeStringsLoop(strVals)));
  record(G4, `Buffer.copy of a ${VALUE_SIZE} B Buffer`, measure(KEYS, () => encodeBuffers(bufVals)));
  const bigStrs = Array.from({ length: 2000 }, (_, i) => big.latin1Slice(i & 1023, (i & 1023) + 16384));
  const bigBufs = Array.from({ length: 2000 }, (_, i) => Buffer.from(big.subarray(i & 1023, (i & 1023) + 16384)));
  const times = (k: number, fn: () => number): number => {
    let n = 0;
    for (let i = 0; i < k; i++) n += fn();
    return n;
  };
  record(G4, 'latin1Write of a 16 KB string', measure(20_000, () => times(10, () => encodeStrings(bigStrs))));
  record(G4, 'Buffer.copy of a 16 KB Buffer', measure(20_000, () => times(10, () => encodeBuffers(bigBufs))));

  // 5. memory per key (key + value + table slot)
  if (gc) {
    const G5 = '5. memory per key';
    const mem = (build: () => unknown): number => {
      strMap = new Map();
      hybrid = new Map();
      bufMap = new BufferMap();
      gc();
      gc();
      const before = process.memoryUsage();
      const keep = build();
      gc();
      gc();
      const after = process.memoryUsage();
      const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
      if (keep === null) console.log('');
      return bytes / KEYS;
    };
    const sm = mem(() => {
      const m = new Map<string, string>();
      for (let i = 0; i < KEYS; i++) m.set(socket.latin1Slice(keyAt(i), keyAt(i) + 14), socket.latin1Slice(valAt(i), valAt(i) + VALUE_SIZE));
      return m;
    });
    record(G5, 'Map<string, string>', null, `${sm.toFixed(0)} bytes/key`);
    const hm = mem(() => {
      const m = new Map<string, Buffer>();
      for (let i = 0; i < KEYS; i++) m.set(socket.latin1Slice(keyAt(i), keyAt(i) + 14), Buffer.from(socket.subarray(valAt(i), valAt(i) + VALUE_SIZE)));
      return m;
    });
    record(G5, 'Map<string, Buffer>', null, `${hm.toFixed(0)} bytes/key`);
    const bm = mem(() => {
      const m = new BufferMap();
      for (let i = 0; i < KEYS; i++) m.set(Buffer.from(socket.subarray(keyAt(i), keyAt(i) + 14)), Buffer.from(socket.subarray(valAt(i), valAt(i) + VALUE_SIZE)));
      return m;
    });
    record(G5, 'BufferMap (Buffer keys and values)', null, `${bm.toFixed(0)} bytes/key`);
  }

  // 6. V8 hashes strings longer than String::kMaxHashCalcLength (16383) by length only.
  const G6 = '6. long keys of equal length';
  const LONG = 400;
  const insertLong = (len: number): number =>
    measure(LONG, () => {
      const m = new Map<string, number>();
      const base = 'x'.repeat(len - 8);
      for (let i = 0; i < LONG; i++) m.set(base + String(i).padStart(8, '0'), i);
      return m.size;
    });
  record(G6, `Map insert, ${LONG} keys of 16383 chars`, insertLong(16383));
  record(G6, `Map insert, ${LONG} keys of 16384 chars`, insertLong(16384), '(all in one hash bucket)');
}

main();
