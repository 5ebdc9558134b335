// MEMORY USAGE: an estimate of the bytes one key costs in *our* representation (V8 on a
// 64-bit platform), not Redis's. Sizes follow V8's object layouts without pointer compression
// (as Node builds it): 8-byte slots, 16-byte string headers, 8-byte alignment.
//
// A value type may know its own size best: a collection class can implement
// `memoryUsage(samples)`. Otherwise the value is walked generically; collections larger than
// `samples` are extrapolated from their first `samples` elements, as Redis samples nested
// values (0 = look at everything).

import type { Entry, Value } from '../keyspace/types.js';

/** A value that reports its own size (collection types may implement it). */
export interface MemoryMeasurable {
  memoryUsage(samples: number): number;
}

const SLOT = 8;
const STRING_HEADER = 16;
const HEAP_NUMBER = 16;
/** JSObject header: map, properties, elements. */
const OBJECT_HEADER = 3 * SLOT;
/** JSArray: object header + length, plus its FixedArray backing store header. */
const ARRAY_HEADER = 4 * SLOT + 2 * SLOT;
/** An OrderedHashMap/Set entry (key, value, chain) plus its share of buckets and growth room. */
const MAP_ENTRY = 4 * SLOT;
const SET_ENTRY = 3 * SLOT;
const COLLECTION_HEADER = 8 * SLOT;
/** How deep the generic walk follows nested objects. */
const MAX_DEPTH = 6;

function align(n: number): number {
  return (n + 7) & ~7;
}

/** A one-byte (latin1) V8 string. */
export function stringBytes(s: string): number {
  return align(STRING_HEADER + s.length);
}

/**
 * Bytes used by one key: its dict entry, the Entry record (with its boxed time fields), its
 * slot in the scan order, the key string, the TTL bookkeeping if any, and the value.
 */
export function keyMemoryUsage(e: Entry, samples: number): number {
  let n = MAP_ENTRY + OBJECT_HEADER + 7 * SLOT + HEAP_NUMBER + SLOT + stringBytes(e.key);
  if (e.expireAt !== 0) n += HEAP_NUMBER + SET_ENTRY;
  return n + valueBytes(e.value, samples);
}

export function valueBytes(v: Value, samples: number): number {
  if (typeof v === 'string') return stringBytes(v);
  const measurable = v as unknown as Partial<MemoryMeasurable>;
  if (typeof measurable.memoryUsage === 'function') return measurable.memoryUsage(samples);
  return approxBytes(v, samples, new Set(), 0);
}

/** Size of an arbitrary JS value reached from a key, counting each object once. */
function approxBytes(x: unknown, samples: number, seen: Set<object>, depth: number): number {
  switch (typeof x) {
    case 'string':
      return stringBytes(x);
    case 'number':
      return Number.isInteger(x) && Math.abs(x) < 2 ** 31 ? 0 : HEAP_NUMBER;
    case 'bigint':
      return align(STRING_HEADER + Math.ceil(x.toString(16).length / 2));
    case 'object':
      break;
    default:
      return 0;
  }
  if (x === null || seen.has(x)) return 0;
  seen.add(x);
  if (depth >= MAX_DEPTH) return OBJECT_HEADER;
  const sample = (items: Iterable<unknown>, count: number, perItem: (item: unknown) => number): number => {
    let total = 0;
    let n = 0;
    for (const item of items) {
      if (samples > 0 && n >= samples) break;
      total += perItem(item);
      n++;
    }
    return n === 0 ? 0 : (total / n) * count;
  };
  const inner = (y: unknown) => approxBytes(y, samples, seen, depth + 1);
  if (Array.isArray(x)) return ARRAY_HEADER + x.length * SLOT + sample(x, x.length, inner);
  if (ArrayBuffer.isView(x)) return OBJECT_HEADER + 4 * SLOT + x.byteLength;
  if (x instanceof Map) {
    return COLLECTION_HEADER + x.size * MAP_ENTRY + sample(x, x.size, (kv) => inner((kv as [unknown, unknown])[0]) + inner((kv as [unknown, unknown])[1]));
  }
  if (x instanceof Set) return COLLECTION_HEADER + x.size * SET_ENTRY + sample(x, x.size, inner);
  let n = OBJECT_HEADER;
  for (const key of Object.keys(x)) n += SLOT + inner((x as Record<string, unknown>)[key]);
  return n;
}
