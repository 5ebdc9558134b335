// BITFIELD and BITFIELD_RO: signed and unsigned integers of 1 to 64 bits (u63 at most) at
// any bit offset of a string, read (GET), written (SET, replying the old value) or
// incremented (INCRBY, replying the new value), with OVERFLOW WRAP | SAT | FAIL deciding what
// an out-of-range result does (FAIL: nothing is written and the reply is nil). Arithmetic is
// Redis's: 64-bit C integers, wrap-around included (src/keyspace/bitops.ts).
//
// Propagation: logged as received when an operation wrote a different value, or created or
// grew the string. Redis 7.0.15 also creates/pads the string when every write FAILs, but then
// neither logs it nor counts it as a change (its AOF and replicas miss the padding); nodis logs
// the command in that case too, so that replaying the log gives the same value.

import type { Client } from '../server/client.js';
import { ByteString, BYTE_STRING_MIN } from '../keyspace/byte-string.js';
import {
  checkSignedOverflow,
  checkUnsignedOverflow,
  getSigned,
  getUnsigned,
  setBits,
  type Overflow,
} from '../keyspace/bitops.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';
import { isOpt } from './args.js';
import { bitOffsetArg, byteAt, readBits, writableUpTo, writeBits, type BitString } from './bitmaps-common.js';
import type { CommandSpec, KeyReference } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const ERR_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const ERR_OVERFLOW_TYPE = 'ERR Invalid OVERFLOW type specified';
const ERR_RO = 'ERR BITFIELD_RO only supports the GET subcommand';

interface FieldOp {
  readonly kind: 'GET' | 'SET' | 'INCRBY';
  readonly signed: boolean;
  readonly bits: number;
  readonly offset: number;
  /** SET's value or INCRBY's increment (int64). */
  readonly arg: bigint;
  readonly overflow: Overflow;
}

/** i1..i64 or u1..u63; null after replying the type error. */
function typeArg(c: Client, s: string): { signed: boolean; bits: number } | null {
  const sign = s.charCodeAt(0);
  const bits = parseInt64(s.slice(1));
  const signed = sign === 105; // 'i'
  if ((sign !== 105 && sign !== 117) || typeof bits !== 'number' || bits < 1 || bits > (signed ? 64 : 63)) {
    c.reply.error(ERR_TYPE);
    return null;
  }
  return { signed, bits };
}

/**
 * Parses the operations in order, replying the first error (null then). The key is looked
 * up only after every argument is valid.
 */
function parseOps(c: Client): FieldOp[] | null {
  const argv = c.argv;
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'WRAP';
  for (let j = 2; j < argv.length; j++) {
    const rest = argv.length - j - 1;
    const sub = argv[j]!;
    let kind: FieldOp['kind'];
    if (isOpt(sub, 'GET') && rest >= 2) kind = 'GET';
    else if (isOpt(sub, 'SET') && rest >= 3) kind = 'SET';
    else if (isOpt(sub, 'INCRBY') && rest >= 3) kind = 'INCRBY';
    else if (isOpt(sub, 'OVERFLOW') && rest >= 1) {
      const name = argv[++j]!;
      if (isOpt(name, 'WRAP')) overflow = 'WRAP';
      else if (isOpt(name, 'SAT')) overflow = 'SAT';
      else if (isOpt(name, 'FAIL')) overflow = 'FAIL';
      else {
        c.reply.error(ERR_OVERFLOW_TYPE);
        return null;
      }
      continue;
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
    const type = typeArg(c, argv[j + 1]!);
    if (type === null) return null;
    const offset = bitOffsetArg(c, argv[j + 2]!, type.bits);
    if (offset === null) return null;
    let arg = 0n;
    if (kind !== 'GET') {
      const v = parseInt64(argv[j + 3]!);
      if (v === null) {
        c.reply.error(ERR_NOT_INTEGER);
        return null;
      }
      arg = BigInt(v);
    }
    ops.push({ kind, signed: type.signed, bits: type.bits, offset, arg, overflow });
    j += kind === 'GET' ? 2 : 3;
  }
  return ops;
}

/**
 * BITFIELD key [GET encoding offset | [OVERFLOW WRAP | SAT | FAIL] SET encoding offset value |
 *     INCRBY encoding offset increment ...]
 * BITFIELD_RO key [GET encoding offset ...]
 */
function bitfieldGeneric(c: Client, readOnlyCommand: boolean): void {
  const ops = parseOps(c);
  if (ops === null) return;
  const key = c.argv[1]!;
  let lastBit = -1;
  for (const op of ops) if (op.kind !== 'GET') lastBit = Math.max(lastBit, op.offset + op.bits - 1);
  if (lastBit < 0) return replyGets(c, key, ops);
  if (readOnlyCommand) return c.reply.error(ERR_RO);
  if (!writableUpTo(c, lastBit)) return;
  const v = writeBits(c, key);
  if (v === false) return;
  const need = Math.floor(lastBit / 8) + 1;
  const oldLength = v === null ? 0 : v.length;
  const grew = v === null || need > oldLength;
  // The bytes to work on: a ByteString in place, or a scratch copy of a JS string that is
  // stored back only if something changed.
  let target: ByteString;
  if (v instanceof ByteString) {
    target = v;
    target.ensureLength(need);
  } else {
    target = ByteString.from(v ?? '', need);
  }
  const u = target.buf;
  const length = target.length;
  const read = (i: number) => (i < length ? u[i]! : 0);
  c.reply.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    if (op.kind === 'GET') {
      c.reply.integer(op.signed ? getSigned(read, op.offset, op.bits) : getUnsigned(read, op.offset, op.bits));
      continue;
    }
    const old = op.signed ? getSigned(read, op.offset, op.bits) : getUnsigned(read, op.offset, op.bits);
    let next: bigint;
    let overflowed: boolean;
    if (op.signed) {
      const value = op.kind === 'INCRBY' ? old : op.arg;
      const o = checkSignedOverflow(value, op.kind === 'INCRBY' ? op.arg : 0n, op.bits, op.overflow);
      overflowed = o.direction !== 0;
      next = overflowed ? (o.limit ?? 0n) : value + (op.kind === 'INCRBY' ? op.arg : 0n);
    } else {
      // A SET value is the int64 argument taken as a uint64, as in C.
      const value = op.kind === 'INCRBY' ? old : BigInt.asUintN(64, op.arg);
      const o = checkUnsignedOverflow(value, op.kind === 'INCRBY' ? op.arg : 0n, op.bits, op.overflow);
      overflowed = o.direction !== 0;
      next = overflowed ? (o.limit ?? 0n) : value + (op.kind === 'INCRBY' ? op.arg : 0n);
    }
    if (overflowed && op.overflow === 'FAIL') {
      c.reply.nullBulk();
      continue;
    }
    c.reply.integer(op.kind === 'SET' ? old : next);
    setBits(u, op.offset, op.bits, next);
    if (grew || next !== old) changes++;
  }
  if (changes === 0 && !grew) return;
  if (target !== v) {
    const value: BitString = target.length >= BYTE_STRING_MIN ? target : target.toString();
    if (v === null) c.db.add(key, value);
    else c.db.set(key, value, true);
  } else {
    c.db.modified(key);
  }
  // Redis counts each changing operation (INFO rdb_changes_since_last_save).
  for (let i = 1; i < changes; i++) c.db.modified(key);
}

/** Only GETs: a read, of a missing key as zeros. */
function replyGets(c: Client, key: string, ops: readonly FieldOp[]): void {
  const v = readBits(c, key);
  if (v === false) return;
  const src: BitString = v ?? '';
  const read = (i: number) => byteAt(src, i);
  c.reply.array(ops.length);
  for (const op of ops) {
    c.reply.integer(op.signed ? getSigned(read, op.offset, op.bits) : getUnsigned(read, op.offset, op.bits));
  }
}

/**
 * BITFIELD's key flags depend on its arguments (Redis's bitfieldGetKeys): RO access when it
 * only reads; RW access update as soon as a SET or INCRBY, or anything unparsable, appears.
 */
function bitfieldGetKeys(argv: readonly string[]): readonly KeyReference[] {
  for (let i = 2; i < argv.length; i++) {
    const rest = argv.length - i - 1;
    const a = argv[i]!;
    if (isOpt(a, 'GET') && rest >= 2) i += 2;
    else if (isOpt(a, 'OVERFLOW') && rest >= 1) i += 1;
    else return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
  }
  return [{ pos: 1, flags: ['RO', 'access'] }];
}

const GET_ARGS = [
  { name: 'encoding', type: 'string' },
  { name: 'offset', type: 'integer' },
] as const;

export const bitfieldCommands = [
  {
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['bitmap'],
    group: 'bitmap',
    since: '3.2.0',
    summary: 'Perform arbitrary bitfield integer operations on strings',
    complexity: 'O(1) for each subcommand specified',
    keySpecs: [
      {
        notes: 'This command allows both access and modification of the key',
        flags: ['RW', 'access', 'update', 'variable_flags'],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
    ],
    getKeys: bitfieldGetKeys,
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'operation',
        type: 'oneof',
        optional: true,
        multiple: true,
        arguments: [
          { name: 'encoding_offset', type: 'block', token: 'GET', arguments: GET_ARGS },
          {
            name: 'write',
            type: 'block',
            arguments: [
              {
                name: 'wrap_sat_fail',
                type: 'oneof',
                token: 'OVERFLOW',
                optional: true,
                arguments: [
                  { name: 'wrap', type: 'pure-token', token: 'WRAP' },
                  { name: 'sat', type: 'pure-token', token: 'SAT' },
                  { name: 'fail', type: 'pure-token', token: 'FAIL' },
                ],
              },
              {
                name: 'write_operation',
                type: 'oneof',
                arguments: [
                  {
                    name: 'encoding_offset_value',
                    type: 'block',
                    token: 'SET',
                    arguments: [...GET_ARGS, { name: 'value', type: 'integer' }],
                  },
                  {
                    name: 'encoding_offset_increment',
                    type: 'block',
                    token: 'INCRBY',
                    arguments: [...GET_ARGS, { name: 'increment', type: 'integer' }],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    handler: (c) => bitfieldGeneric(c, false),
  },
  {
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    categories: ['bitmap'],
    group: 'bitmap',
    since: '6.0.0',
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    complexity: 'O(1) for each subcommand specified',
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'encoding_offset',
        type: 'block',
        token: 'GET',
        optional: true,
        multiple: true,
        multipleToken: true,
        arguments: GET_ARGS,
      },
    ],
    handler: (c) => bitfieldGeneric(c, true),
  },
] as const satisfies readonly CommandSpec[];
