// DEBUG DIGEST / DIGEST-VALUE: Redis's dataset fingerprint (debug.c: computeDatasetDigest,
// xorObjectDigest, mixDigest, xorDigest), reproduced exactly so that nodis and a real Redis
// holding the same data print the same 40 hex digits.
//
//   xorDigest(d, bytes):  d ^= SHA1(bytes)            (order-independent)
//   mixDigest(d, bytes):  d = SHA1(d ^ SHA1(bytes))   (order-dependent)
//
// A key contributes mix(key) then xorObjectDigest(value): mix(type code as a big-endian
// uint32), then the elements (strings and list items mixed in order; set members xored;
// hash fields and sorted-set members each digested on their own as mix(field) mix(value)
// or mix(member) mix(score as %.17g) and xored in, so the order of those does not matter),
// then xor("!!expire!!") when the key has a TTL. Each key's digest is xored into the result,
// after the database number was mixed in (only for non-empty databases): an empty dataset
// is 20 zero bytes.

import { sha1Into } from './sha1.js';
import { formatDouble } from '../resp/numbers.js';
import type { Database } from './database.js';
import type { Entry, Value } from './types.js';

/*
 * What a collection class offers for digests (elements as latin1 strings). A value type
 * plugs in by implementing the method for its `type`:
 *   list: items()   — the elements, head to tail
 *   set:  members()
 *   hash: entries() — [field, value] pairs
 *   zset: entries() — [member, score] pairs
 */
export interface DigestibleList {
  readonly type: 'list';
  items(): Iterable<string>;
}
export interface DigestibleSet {
  readonly type: 'set';
  members(): Iterable<string>;
}
export interface DigestibleHash {
  readonly type: 'hash';
  entries(): Iterable<readonly [string, string]>;
}
export interface DigestibleZset {
  readonly type: 'zset';
  entries(): Iterable<readonly [string, number]>;
}

/** A value whose class does not (yet) expose what the digest needs. */
export class DigestUnsupportedError extends Error {
  constructor(readonly valueType: string) {
    super(`values of type ${valueType} cannot be digested yet`);
    this.name = 'DigestUnsupportedError';
  }
}

/** OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH. */
const TYPE_CODE = { string: 0, list: 1, set: 2, zset: 3, hash: 4 } as const;

const EXPIRE_MARK = '!!expire!!';

/** Scratch for one SHA-1 result (digests are computed synchronously, one at a time). */
const hash = new Uint8Array(20);

function xorDigest(digest: Buffer, data: string | Uint8Array): void {
  sha1Into(data, hash);
  for (let j = 0; j < 20; j++) digest[j]! ^= hash[j]!;
}

function mixDigest(digest: Buffer, data: string | Uint8Array): void {
  xorDigest(digest, data);
  sha1Into(digest, hash);
  digest.set(hash);
}

function uint32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function method<T>(v: object, name: string): (() => Iterable<T>) | null {
  const f = (v as Record<string, unknown>)[name];
  return typeof f === 'function' ? (f.bind(v) as () => Iterable<T>) : null;
}

/** xorObjectDigest: the value (and whether it has a TTL) folded into `digest`. */
function xorObjectDigest(digest: Buffer, value: Value, hasExpire: boolean): void {
  if (typeof value === 'string') {
    mixDigest(digest, uint32be(TYPE_CODE.string));
    mixDigest(digest, value);
  } else {
    const type = value.type;
    const elements =
      type === 'list' ? method<string>(value, 'items') : type === 'set' ? method<string>(value, 'members') : method<readonly [string, string | number]>(value, 'entries');
    if (elements === null) throw new DigestUnsupportedError(type);
    mixDigest(digest, uint32be(TYPE_CODE[type]));
    if (type === 'list') {
      for (const item of elements() as Iterable<string>) mixDigest(digest, item);
    } else if (type === 'set') {
      for (const member of elements() as Iterable<string>) xorDigest(digest, member);
    } else {
      const pair = Buffer.alloc(20);
      for (const [k, v] of elements() as Iterable<readonly [string, string | number]>) {
        pair.fill(0);
        mixDigest(pair, k);
        mixDigest(pair, typeof v === 'number' ? formatDouble(v) : v);
        xorDigest(digest, pair);
      }
    }
  }
  if (hasExpire) xorDigest(digest, EXPIRE_MARK);
}

/** DEBUG DIGEST-VALUE of one key: 40 zeros when it does not exist. No key name is mixed in. */
export function valueDigest(entry: Entry | undefined): string {
  const digest = Buffer.alloc(20);
  if (entry !== undefined) xorObjectDigest(digest, entry.value, entry.expireAt !== 0);
  return digest.toString('hex');
}

/**
 * DEBUG DIGEST: every key of every database, logically expired ones included (as Redis,
 * which walks its dicts without expiring anything).
 */
export function datasetDigest(dbs: readonly Database[]): string {
  const final = Buffer.alloc(20);
  const digest = Buffer.alloc(20);
  for (const db of dbs) {
    if (db.size === 0) continue;
    mixDigest(final, uint32be(db.id));
    for (const e of db.entries()) {
      digest.fill(0);
      mixDigest(digest, e.key);
      xorObjectDigest(digest, e.value, e.expireAt !== 0);
      xorDigest(final, digest);
    }
  }
  return final.toString('hex');
}
