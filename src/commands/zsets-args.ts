// Argument parsing shared by the sorted-set commands: scores and weights (Redis's string2d,
// i.e. C's strtod with its hex floats, "inf"/"infinity", and range errors), score ranges
// (zslParseRange: "(" for exclusive, a plain strtod that accepts what string2d refuses),
// lexicographic ranges (zslParseLexRange: "[a" "(a" "-" "+"), and the listpack limits.

import type { Client } from '../server/client.js';
import type { Config } from '../server/config.js';
import { LEX_MAX, LEX_MIN, type LexBound, type LexRange, type ScoreRange } from '../keyspace/zset-range.js';
import type { ZsetLimits } from '../keyspace/zset.js';
import { C_SPACE, parseInt64, strtod } from '../resp/numbers.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER } from './errors.js';

export const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
export const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';

/**
 * The common case, a short plain decimal ([-]digits[.digits], at most 20 chars): Number()
 * reads it exactly as strtod does, and it can neither overflow nor underflow. Null otherwise.
 */
function plainDecimal(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  let dot = false;
  let digits = 0;
  for (; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 48 && ch <= 57) digits++;
    else if (ch === 46 && !dot) dot = true;
    else return null;
  }
  return digits === 0 ? null : Number(s);
}

/** string2d: the whole argument must be a float; overflow and underflow to zero refused. */
export function parseScore(s: string): number | null {
  const fast = plainDecimal(s);
  if (fast !== null) return fast;
  if (s.length === 0 || C_SPACE.test(s[0]!)) return null;
  const r = strtod(s);
  if (r.end !== s.length || Number.isNaN(r.value)) return null;
  if (r.erange && (r.value === 0 || !Number.isFinite(r.value))) return null;
  return r.value;
}

/** A score argument, or null after replying `error`. */
export function scoreArg(c: Client, s: string, error = ERR_NOT_FLOAT): number | null {
  const v = parseScore(s);
  if (v === null) c.reply.error(error);
  return v;
}

/** One bound of zslParseRange: "(" makes it exclusive; strtod must stop at the end (or a NUL). */
function scoreBound(s: string): { value: number; ex: boolean } | null {
  const fast = plainDecimal(s);
  if (fast !== null) return { value: fast, ex: false };
  const ex = s.charCodeAt(0) === 40; // '('
  const start = ex ? 1 : 0;
  const r = strtod(s, start);
  if ((r.end !== s.length && s.charCodeAt(r.end) !== 0) || Number.isNaN(r.value)) return null;
  return { value: r.value, ex };
}

/** zslParseRange: min and max of ZRANGEBYSCORE and friends, or null (the caller replies). */
export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const lo = scoreBound(min);
  if (lo === null) return null;
  const hi = scoreBound(max);
  if (hi === null) return null;
  return { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
}

/** zslParseLexRangeItem. */
function lexBound(s: string): { value: LexBound; ex: boolean } | null {
  switch (s.charCodeAt(0)) {
    case 43: // '+'
      return s.length === 1 || s.charCodeAt(1) === 0 ? { value: LEX_MAX, ex: true } : null;
    case 45: // '-'
      return s.length === 1 || s.charCodeAt(1) === 0 ? { value: LEX_MIN, ex: true } : null;
    case 40: // '('
      return { value: s.slice(1), ex: true };
    case 91: // '['
      return { value: s.slice(1), ex: false };
    default:
      return null;
  }
}

/** zslParseLexRange, or null (the caller replies). */
export function parseLexRange(min: string, max: string): LexRange | null {
  const lo = lexBound(min);
  if (lo === null) return null;
  const hi = lexBound(max);
  if (hi === null) return null;
  return { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
}

/**
 * getLongFromObjectOrReply: a 64-bit integer argument as a number (values past 2^53 keep
 * their sign and magnitude closely enough for index arithmetic), or null after the reply.
 */
export function longArg(c: Client, s: string, error = ERR_NOT_INTEGER): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(error);
    return null;
  }
  return Number(v);
}

/**
 * getRangeLongFromObjectOrReply with a message: the integer within [min, max], or null
 * after replying `message` (also for a non-integer).
 */
export function rangeLongArg(c: Client, s: string, min: number, max: number, message: string): number | null {
  const v = parseInt64(s);
  if (v === null || v < min || v > max) {
    c.reply.error(message);
    return null;
  }
  return Number(v);
}

const limitsByConfig = new WeakMap<Config, ZsetLimits>();

/**
 * The listpack thresholds of the client's server: read from the configuration when a set
 * consults them (so CONFIG SET applies at once), through one object per configuration.
 */
export function zsetLimits(c: Client): ZsetLimits {
  const config = c.server.config;
  let limits = limitsByConfig.get(config);
  if (limits === undefined) {
    limits = {
      get maxListpackEntries() {
        return config.num('zset-max-listpack-entries');
      },
      get maxListpackValue() {
        return config.num('zset-max-listpack-value');
      },
    };
    limitsByConfig.set(config, limits);
  }
  return limits;
}

/**
 * Counts `n` more changes in the keyspace's dirty counter: Redis counts one per element a
 * command changes, the keyspace API one per call.
 */
export function addDirty(c: Client, n: number): void {
  if (n > 0) c.server.keyspace.dirty += n;
}
