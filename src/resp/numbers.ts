// Number parsing and formatting with Redis's rules. Values arrive as latin1 strings.

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Redis's string2ll: an optional '-', digits, no leading zeros (except "0"), no '+', no
 * spaces, within int64. Returns a number when it is a safe integer, a bigint otherwise,
 * or null if `s` is not such an integer.
 */
export function parseInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first < 48 || first > 57) return null;
  if (first === 48 && n > i + 1) return null; // leading zero
  if (first === 48 && i === 1) return null; // "-0"
  let value = 0;
  for (let j = i; j < n; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  if (value <= Number.MAX_SAFE_INTEGER) return i === 1 ? -value : value;
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return big;
}

/** parseInt64 restricted to safe integers (|n| < 2^53); others yield null. */
export function parseSafeInt(s: string): number | null {
  const v = parseInt64(s);
  return typeof v === 'number' ? v : null;
}

/** True if `v` fits in a signed 64-bit integer. */
export function inInt64Range(v: bigint): boolean {
  return v <= INT64_MAX && v >= INT64_MIN;
}

/**
 * Redis's string2ld/strtold for INCRBYFLOAT and friends: a decimal or exponent float, with
 * "inf"/"-inf" allowed only where `allowInf`; no spaces, no empty string, no NaN.
 */
export function parseFloat64(s: string, allowInf = true): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const last = s.charCodeAt(s.length - 1);
  if (last === 32 || (last >= 9 && last <= 13)) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return allowInf ? Infinity : null;
  if (lower === '-inf' || lower === '-infinity') return allowInf ? -Infinity : null;
  // strtold syntax: [+-] digits [. digits] [e [+-] digits], or hex floats (rare; not accepted here).
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  if (Number.isNaN(v)) return null;
  return v;
}

/** C's "%.17g": what Redis 7.0 uses for double replies (ZSCORE, RESP3 doubles). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(d)));
  // toExponential gives the exact decimal exponent after rounding to 17 significant digits.
  const expStr = d.toExponential(16);
  const e = parseInt(expStr.slice(expStr.indexOf('e') + 1), 10);
  void exp;
  if (e < -4 || e >= 17) {
    let [mant, ex] = expStr.split('e') as [string, string];
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const sign = ex.startsWith('-') ? '-' : '+';
    const digits = ex.replace(/^[+-]/, '');
    return `${mant}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
  }
  let fixed = d.toFixed(Math.max(0, 16 - e));
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}

/**
 * The human-friendly long double form of INCRBYFLOAT/HINCRBYFLOAT (Redis's ld2string with
 * LD_STR_HUMAN): fixed notation, no exponent, trailing zeros removed. JS has no long double,
 * so we print the shortest representation that round-trips the double, which matches Redis
 * for the values its 17-digit output rounds back to.
 */
export function formatHumanFloat(d: number): string {
  if (d === 0) return '0';
  let s = String(d);
  if (s.includes('e')) s = expandExponent(s);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function expandExponent(s: string): string {
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  const [mant, expPart] = s.split('e') as [string, string];
  const exp = parseInt(expPart, 10);
  const [intPart, fracPart = ''] = mant.split('.') as [string, string?];
  const digits = intPart + fracPart;
  const point = intPart.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (negative ? '-' : '') + out;
}
