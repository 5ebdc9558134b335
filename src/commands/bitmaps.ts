// Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP (BITFIELD and BITFIELD_RO are in
// bitfield.ts). A bitmap is a string value; bit 0 is the most significant bit of byte 0.
//
// A small value is edited as a JS string (rebuilt on each write: cheap below a few KB). A
// value of BYTE_STRING_MIN bytes or more is switched by its first bit write into a ByteString,
// which later writes change in place; any other reader of the key gets a JS string back (see
// src/keyspace/entry.ts). The reads here use whichever form the value is in.
//
// Propagation (as Redis 7.0.15): SETBIT is logged as received only when it changed the value
// (a bit flipped, or the string was created or grown); BITOP always when it stored a result,
// and when an empty result deleted an existing destination.

import type { Client } from '../server/client.js';
import { ByteString, BYTE_STRING_MIN } from '../keyspace/byte-string.js';
import { bitop, bitposIn, popcount, popcountByte, type BitOp } from '../keyspace/bitops.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import { isOpt } from './args.js';
import {
  bitOffsetArg,
  byteAt,
  bytesOf,
  readBits,
  writableUpTo,
  writeBits,
  type BitString,
} from './bitmaps-common.js';
import { bitfieldCommands } from './bitfield.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
const ERR_BITPOS_BIT = 'ERR The bit argument must be 1 or 0.';
const ERR_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';

/** SETBIT key offset value */
function setbitCommand(c: Client): void {
  const key = c.argv[1]!;
  const offset = bitOffsetArg(c, c.argv[2]!);
  if (offset === null) return;
  const on = parseInt64(c.argv[3]!);
  if (on !== 0 && on !== 1) return c.reply.error(ERR_BIT_VALUE);
  if (!writableUpTo(c, offset)) return;
  const v = writeBits(c, key);
  if (v === false) return;
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  if (v instanceof ByteString) {
    const grew = byte >= v.length;
    if (grew) v.ensureLength(byte + 1);
    const old = v.buf[byte]!;
    const bit = old & mask ? 1 : 0;
    if (grew || bit !== on) {
      v.buf[byte] = on ? old | mask : old & ~mask;
      c.db.modified(key);
    }
    return c.reply.integer(bit);
  }
  const s = v ?? '';
  const grew = byte >= s.length;
  const old = grew ? 0 : s.charCodeAt(byte);
  const bit = old & mask ? 1 : 0;
  // An existing value whose bit already has that value is left alone (and not logged).
  if (!grew && bit === on) return c.reply.integer(bit);
  const next = on ? old | mask : old & ~mask;
  const length = Math.max(s.length, byte + 1);
  let value: BitString;
  if (length >= BYTE_STRING_MIN) {
    value = ByteString.from(s, length);
    value.buf[byte] = next;
  } else if (grew) {
    value = s + '\0'.repeat(byte - s.length) + String.fromCharCode(next);
  } else {
    value = s.slice(0, byte) + String.fromCharCode(next) + s.slice(byte + 1);
  }
  if (v === null) c.db.add(key, value);
  else c.db.set(key, value, true);
  c.reply.integer(bit);
}

/** GETBIT key offset */
function getbitCommand(c: Client): void {
  const offset = bitOffsetArg(c, c.argv[2]!);
  if (offset === null) return;
  const v = readBits(c, c.argv[1]!);
  if (v === false) return;
  if (v === null) return c.reply.integer(0);
  const b = byteAt(v, Math.floor(offset / 8));
  c.reply.integer((b >> (7 - (offset % 8))) & 1);
}

/** An int64 argument as a number; beyond ±2^53 as ±Infinity (beyond any bit index). */
function clampedInt(v: number | bigint): number {
  return typeof v === 'number' ? v : v < 0n ? -Infinity : Infinity;
}

/** An inclusive range of bytes, with masks of the edge bits outside a BIT range. */
interface ByteRange {
  start: number;
  end: number;
  /** Bits of the first byte before the range (BIT ranges only), as a mask; 0 if none. */
  firstMask: number;
  /** Bits of the last byte after the range (BIT ranges only), as a mask; 0 if none. */
  lastMask: number;
}

/**
 * A start/end range made absolute as Redis does (negative from the end, then clamped to the
 * value), in bytes, or in bits with `isBit` — then turned into bytes plus masks of the bits
 * of the first and last byte that fall outside it.
 */
function absoluteRange(start: number, end: number, length: number, isBit: boolean): ByteRange {
  const total = isBit ? length * 8 : length;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  let firstMask = 0;
  let lastMask = 0;
  if (isBit && start <= end) {
    firstMask = ~((1 << (8 - (start % 8))) - 1) & 0xff;
    lastMask = (1 << (7 - (end % 8))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

/** BYTE or BIT (case-insensitive); null after replying a syntax error. */
function unitArg(c: Client, s: string): boolean | null {
  if (isOpt(s, 'BIT')) return true;
  if (isOpt(s, 'BYTE')) return false;
  c.reply.error(ERR_SYNTAX);
  return null;
}

/** BITCOUNT key [start end [BYTE | BIT]] */
function bitcountCommand(c: Client): void {
  const argv = c.argv;
  // Redis 7.0 looks the key up first: a missing key counts 0 whatever the arguments.
  const v = readBits(c, argv[1]!);
  if (v === false) return;
  if (v === null) return c.reply.integer(0);
  const len = v.length;
  let r: ByteRange;
  if (argv.length === 4 || argv.length === 5) {
    const s = parseInt64(argv[2]!);
    const e = s === null ? null : parseInt64(argv[3]!);
    if (s === null || e === null) return c.reply.error(ERR_NOT_INTEGER);
    // Both from the end and reversed: empty, checked before the unit (as Redis does).
    if (s < 0 && e < 0 && s > e) return c.reply.integer(0);
    let isBit = false;
    if (argv.length === 5) {
      const unit = unitArg(c, argv[4]!);
      if (unit === null) return;
      isBit = unit;
    }
    r = absoluteRange(clampedInt(s), clampedInt(e), len, isBit);
  } else if (argv.length === 2) {
    r = { start: 0, end: len - 1, firstMask: 0, lastMask: 0 };
  } else {
    return c.reply.error(ERR_SYNTAX);
  }
  if (r.start > r.end) return c.reply.integer(0);
  const [u, base] = bytesOf(v, r.start, r.end + 1);
  let count = popcount(u, base, base + r.end - r.start + 1);
  if (r.firstMask !== 0) count -= popcountByte(u[base]! & r.firstMask);
  if (r.lastMask !== 0) count -= popcountByte(u[base + r.end - r.start]! & r.lastMask);
  c.reply.integer(count);
}

/** BITPOS key bit [start [end [BYTE | BIT]]] */
function bitposCommand(c: Client): void {
  const argv = c.argv;
  const b = parseInt64(argv[2]!);
  if (b === null) return c.reply.error(ERR_NOT_INTEGER);
  if (b !== 0 && b !== 1) return c.reply.error(ERR_BITPOS_BIT);
  const bit: 0 | 1 = b;
  const v = readBits(c, argv[1]!);
  if (v === false) return;
  // A missing key is an endless run of zeros.
  if (v === null) return c.reply.integer(bit ? -1 : 0);
  const len = v.length;
  let r: ByteRange;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const s = parseInt64(argv[3]!);
    if (s === null) return c.reply.error(ERR_NOT_INTEGER);
    let isBit = false;
    if (argv.length === 6) {
      const unit = unitArg(c, argv[5]!);
      if (unit === null) return;
      isBit = unit;
    }
    let end = len - 1;
    if (argv.length >= 5) {
      const e = parseInt64(argv[4]!);
      if (e === null) return c.reply.error(ERR_NOT_INTEGER);
      end = clampedInt(e);
      endGiven = true;
    }
    r = absoluteRange(clampedInt(s), end, len, isBit);
  } else if (argv.length === 3) {
    r = { start: 0, end: len - 1, firstMask: 0, lastMask: 0 };
  } else {
    return c.reply.error(ERR_SYNTAX);
  }
  if (r.start > r.end) return c.reply.integer(-1);
  c.reply.integer(bitposInRange(v, r, bit, endGiven));
}

/**
 * BITPOS over a range: the edge bytes of a BIT range are searched with the bits outside the
 * range forced to the value not searched for. Past the end of the range, with no end given,
 * the value counts as zero-padded (a clear bit is found just after it); with an end given,
 * a clear bit not found within the range is -1.
 */
function bitposInRange(v: BitString, r: ByteRange, bit: 0 | 1, endGiven: boolean): number {
  const [u, base] = bytesOf(v, r.start, r.end + 1);
  // u[base] is byte r.start of the value.
  const shift = base - r.start;
  let start = r.start;
  let bytes = r.end - r.start + 1;
  let pos: number;
  done: {
    if (r.firstMask !== 0) {
      const b = u[start + shift]!;
      let x = bit ? b & ~r.firstMask : b | r.firstMask;
      if (r.lastMask !== 0 && bytes === 1) x = bit ? x & ~r.lastMask : x | r.lastMask;
      pos = bitposInByte(x, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break done;
      start++;
      bytes--;
    }
    // The last byte is searched on its own when part of it is outside the range.
    const middle = bytes - (r.lastMask !== 0 ? 1 : 0);
    if (middle > 0) {
      pos = bitposIn(u, start + shift, middle, bit);
      if (bytes === middle || (pos !== -1 && pos !== middle * 8)) break done;
      start += middle;
      bytes -= middle;
    }
    const b = u[r.end + shift]!;
    pos = bitposInByte(bit ? b & ~r.lastMask : b | r.lastMask, bit);
  }
  if (endGiven && bit === 0 && pos === bytes * 8) return -1;
  return pos === -1 ? -1 : pos + start * 8;
}

/** redisBitpos on one byte: 0-7, or -1 (no 1) / 8 (no 0). */
function bitposInByte(x: number, bit: 0 | 1): number {
  for (let j = 0; j < 8; j++) if (((x >> (7 - j)) & 1) === bit) return j;
  return bit ? -1 : 8;
}

/** BITOP AND | OR | XOR | NOT destkey key [key ...] */
function bitopCommand(c: Client): void {
  const argv = c.argv;
  const name = argv[1]!;
  let op: BitOp;
  if (isOpt(name, 'AND')) op = 'AND';
  else if (isOpt(name, 'OR')) op = 'OR';
  else if (isOpt(name, 'XOR')) op = 'XOR';
  else if (isOpt(name, 'NOT')) op = 'NOT';
  else return c.reply.error(ERR_SYNTAX);
  if (op === 'NOT' && argv.length !== 4) return c.reply.error(ERR_BITOP_NOT);
  const sources: Uint8Array[] = [];
  const lengths: number[] = [];
  for (let j = 3; j < argv.length; j++) {
    const v = c.db.lookupReadStored(argv[j]!);
    if (v === undefined) {
      // A missing key is an empty string.
      sources.push(EMPTY);
      lengths.push(0);
    } else if (typeof v === 'string') {
      sources.push(Buffer.from(v, 'latin1'));
      lengths.push(v.length);
    } else if (v instanceof ByteString) {
      sources.push(v.buf);
      lengths.push(v.length);
    } else {
      return c.reply.error(ERR_WRONGTYPE);
    }
  }
  const result = bitop(op, sources, lengths);
  const dest = argv[2]!;
  if (result.length === 0) {
    // An empty result deletes the destination (logged only if there was one).
    c.db.delete(dest);
    return c.reply.integer(0);
  }
  // The destination is overwritten whatever it held, and loses its TTL.
  c.db.set(dest, result.length >= BYTE_STRING_MIN ? ByteString.wrap(result) : result.toString('latin1'));
  c.reply.integer(result.length);
}

const EMPTY = new Uint8Array(0);

const INDEX_UNIT = {
  name: 'index_unit',
  type: 'oneof',
  since: '7.0.0',
  optional: true,
  arguments: [
    { name: 'byte', type: 'pure-token', token: 'BYTE' },
    { name: 'bit', type: 'pure-token', token: 'BIT' },
  ],
} as const;

const BIT_RANGE_HISTORY = [['7.0.0', 'Added the `BYTE|BIT` option.']] as const;

export const bitmapCommands = [
  {
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['bitmap'],
    group: 'bitmap',
    since: '2.2.0',
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    complexity: 'O(1)',
    keyFlags: ['RW', 'access', 'update'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'integer' },
    ],
    handler: setbitCommand,
  },
  {
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    categories: ['bitmap'],
    group: 'bitmap',
    since: '2.2.0',
    summary: 'Returns the bit value at offset in the string value stored at key',
    complexity: 'O(1)',
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'offset', type: 'integer' },
    ],
    handler: getbitCommand,
  },
  {
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    keys: KEY1,
    categories: ['bitmap'],
    group: 'bitmap',
    since: '2.6.0',
    summary: 'Count set bits in a string',
    complexity: 'O(N)',
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'index',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'start', type: 'integer' },
          { name: 'end', type: 'integer' },
          INDEX_UNIT,
        ],
      },
    ],
    history: BIT_RANGE_HISTORY,
    handler: bitcountCommand,
  },
  {
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    keys: KEY1,
    categories: ['bitmap'],
    group: 'bitmap',
    since: '2.8.7',
    summary: 'Find first bit set or clear in a string',
    complexity: 'O(N)',
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'bit', type: 'integer' },
      {
        name: 'index',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'start', type: 'integer' },
          {
            name: 'end_index',
            type: 'block',
            optional: true,
            arguments: [{ name: 'end', type: 'integer' }, INDEX_UNIT],
          },
        ],
      },
    ],
    history: BIT_RANGE_HISTORY,
    handler: bitposCommand,
  },
  {
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    categories: ['bitmap'],
    group: 'bitmap',
    since: '2.6.0',
    summary: 'Perform bitwise operations between strings',
    complexity: 'O(N)',
    keySpecs: [
      { flags: ['OW', 'update'], beginSearch: { index: 2 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
      { flags: ['RO', 'access'], beginSearch: { index: 3 }, findKeys: { lastKey: -1, keyStep: 1, limit: 0 } },
    ],
    arguments: [
      { name: 'operation', type: 'string' },
      { name: 'destkey', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
    ],
    handler: bitopCommand,
  },
  ...bitfieldCommands,
] as const satisfies readonly CommandSpec[];
