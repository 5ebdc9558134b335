// How Redis 7.0 would serialise a sorted set, for DEBUG OBJECT's serializedlength (and,
// later, the RDB): a small set is one listpack blob (RDB_TYPE_ZSET_LISTPACK), a large one a
// length then member (RDB string) + score (8-byte binary double) from the highest score down
// (RDB_TYPE_ZSET_2). The listpack is rebuilt byte for byte — member then score entries, each
// integer-looking string in its integer encoding, a score stored as an integer when it is one
// (double2ll) and otherwise as its %.17g text — since its LZF-compressed size depends on
// the exact bytes. The listpack and RDB size rules themselves are in rdb-size.ts.

import { formatDouble } from '../resp/numbers.js';
import { listpackBlob } from './rdb-size.js';

/** double2ll: a score a listpack stores as an integer (|d| <= 2^62, no fraction). */
export function scoreAsInteger(d: number): bigint | null {
  const limit = 4611686018427387903; // LLONG_MAX/2 (rounds to 2^62 as a double)
  if (d < -limit || d > limit || !Number.isInteger(d)) return null;
  return BigInt(d);
}

/** The text a listpack holds for a score: its integer digits, or %.17g. */
export function listpackScoreText(d: number): string {
  const i = scoreAsInteger(d);
  return i !== null ? i.toString() : formatDouble(d);
}

/** The listpack of (member, score) pairs, in order: what Redis holds for a small sorted set. */
export function zsetListpack(pairs: Iterable<readonly [string, number]>): Buffer {
  const texts: string[] = [];
  for (const [member, score] of pairs) texts.push(member, listpackScoreText(score));
  return listpackBlob(texts);
}
