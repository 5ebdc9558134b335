// Argument parsing shared by the command families. Each parser replies the Redis error
// itself and returns null on failure, so handlers read as: `const n = intArg(c, ...); if
// (n === null) return;`.

import type { Client } from '../server/client.js';
import type { CollectionValue } from '../keyspace/types.js';
import { longDoubleToNumber, parseFloat64, parseInt64, parseLongDouble } from '../resp/numbers.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_WRONGTYPE, errInvalidExpire } from './errors.js';

/** A signed 64-bit integer argument restricted to JS safe integers. */
export function intArg(c: Client, s: string, error = ERR_NOT_INTEGER): number | null {
  const v = parseInt64(s);
  if (typeof v !== 'number') {
    c.reply.error(error);
    return null;
  }
  return v;
}

/** A full-range signed 64-bit integer (INCRBY and friends need the whole int64 range). */
export function int64Arg(c: Client, s: string, error = ERR_NOT_INTEGER): bigint | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(error);
    return null;
  }
  return BigInt(v);
}

/** A float argument (INCRBYFLOAT, ZADD scores ...), "inf" accepted unless disallowed. */
export function floatArg(c: Client, s: string, allowInf = true, error = ERR_NOT_FLOAT): number | null {
  const v = parseFloat64(s, allowInf);
  if (v === null) {
    c.reply.error(error);
    return null;
  }
  return v;
}

/** Case-insensitive comparison of an argument with an upper-case option name. */
export function isOpt(arg: string, upper: string): boolean {
  return arg.length === upper.length && arg.toUpperCase() === upper;
}

export type ExpireUnit = 'EX' | 'PX' | 'EXAT' | 'PXAT';

/**
 * Redis's getExpireMillisecondsOrReply: turns the argument of EX/PX/EXAT/PXAT into an
 * absolute Unix time in ms, relative to the command's time. Non-integers get the integer
 * error; zero, negative and overflowing times get "invalid expire time in '<cmd>' command".
 */
export function absoluteExpireArg(c: Client, text: string, unit: ExpireUnit, commandName: string): number | null {
  const ms = absoluteExpireMs(c, text, unit, commandName);
  return ms === null ? null : Number(ms);
}

/**
 * absoluteExpireArg as an exact bigint: the form to propagate (`... PXAT <ms>`), since
 * times beyond 2^53 ms would lose digits as a number.
 */
export function absoluteExpireMs(c: Client, text: string, unit: ExpireUnit, commandName: string): bigint | null {
  const v = parseInt64(text);
  if (v === null) {
    c.reply.error(ERR_NOT_INTEGER);
    return null;
  }
  let ms = BigInt(v);
  const seconds = unit === 'EX' || unit === 'EXAT';
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) {
    c.reply.error(errInvalidExpire(commandName));
    return null;
  }
  if (seconds) ms *= 1000n;
  if (unit === 'EX' || unit === 'PX') ms += BigInt(c.server.keyspace.time);
  if (ms <= 0n || ms > INT64_MAX) {
    c.reply.error(errInvalidExpire(commandName));
    return null;
  }
  return ms;
}

const INT64_MAX = 9223372036854775807n;

/** The string value at `key` for a read; replies WRONGTYPE and returns false for other types. */
export function readString(c: Client, key: string): string | null | false {
  const v = c.db.lookupRead(key);
  if (v === undefined) return null;
  if (typeof v !== 'string') {
    c.reply.error(ERR_WRONGTYPE);
    return false;
  }
  return v;
}

/**
 * The value at `key` if it is a collection of `type`, for a read (hits/misses counted).
 * Returns null when the key does not exist, and false after replying WRONGTYPE.
 */
export function readCollection<T extends CollectionValue>(c: Client, key: string, type: T['type']): T | null | false {
  const v = c.db.lookupRead(key);
  if (v === undefined) return null;
  if (typeof v === 'string' || v.type !== type) {
    c.reply.error(ERR_WRONGTYPE);
    return false;
  }
  return v as T;
}

/**
 * The value at `key` if it is a collection of `type`, for a write: it may be mutated in place
 * (call c.db.modified(key) after, or c.db.delete(key) once it is empty). Returns null when
 * the key does not exist, and false after replying WRONGTYPE.
 */
export function writeCollection<T extends CollectionValue>(c: Client, key: string, type: T['type']): T | null | false {
  const v = c.db.lookupWrite(key);
  if (v === undefined) return null;
  if (typeof v === 'string' || v.type !== type) {
    c.reply.error(ERR_WRONGTYPE);
    return false;
  }
  return v as T;
}

/**
 * The timeout of a blocking command (BLPOP ... timeout): seconds as a long double, 0 = wait
 * forever; returns milliseconds (rounded up, as Redis's ceill) or null after replying the
 * error. Like Redis 7.0.15 on x86-64, values too large to convert (inf, 1e400) come out
 * negative.
 */
export function blockTimeoutArg(c: Client, text: string): number | null {
  const v = parseLongDouble(text);
  if (v === null) {
    c.reply.error('ERR timeout is not a float or out of range');
    return null;
  }
  const ms = longDoubleToNumber(v) * 1000;
  const t = Number.isFinite(ms) && Math.abs(ms) < 2 ** 63 ? Math.ceil(ms) : -1;
  if (t < 0) {
    c.reply.error('ERR timeout is negative');
    return null;
  }
  if (t > 0 && t > 2 ** 63 - 1 - Date.now()) {
    c.reply.error('ERR timeout is out of range');
    return null;
  }
  return t === 0 ? 0 : t; // -0 (a tiny negative timeout) waits forever, as in Redis
}
