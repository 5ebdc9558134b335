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
  // Fast path: an integer below 1e17 prints its exact digits in %.17g (but -0). JS's String()
  // gives them up to 2^53; beyond, its shortest round-trip form may differ (…808 vs …810).
  if (Number.isInteger(d) && d < 1e17 && d > -1e17 && !Object.is(d, -0)) {
    return d <= Number.MAX_SAFE_INTEGER && d >= -Number.MAX_SAFE_INTEGER ? String(d) : BigInt(d).toString();
  }
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

// ---- long double (INCRBYFLOAT, HINCRBYFLOAT) ---------------------------------------------
//
// Redis computes INCRBYFLOAT in C's `long double`, which on x86-64 is the x87 80-bit
// extended format: a 64-bit significand and a 15-bit exponent. Doubles give visibly different
// answers ("0.1" + "0.2" is "0.3" in Redis, 0.30000000000000004 in doubles; "1e400" is a
// valid value), so the arithmetic is emulated exactly with BigInt: parse with strtold's
// rounding, add with one rounding, print as "%.17Lf" with trailing zeros removed.

/** A finite x87 extended value, (-1)^neg * m * 2^e with 0 <= m < 2^64; or an IEEE special. */
export type LongDouble = { readonly neg: boolean; readonly m: bigint; readonly e: number } | number;

const LD_MANT_BITS = 64;
/** Exponent of the smallest subnormal: 2^-16445. */
const LD_MIN_EXP = -16445;
/** Values of 2^16384 and above overflow to infinity. */
const LD_MAX_BITS = 16384;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer arguments are not numbers. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds (-1)^neg * n * 2^exp (n >= 0, exact) to extended precision, ties to even;
 * returns ±Infinity on overflow and a signed zero on total underflow.
 */
function roundLD(neg: boolean, n: bigint, exp: number): LongDouble {
  if (n === 0n) return { neg, m: 0n, e: 0 };
  const bl = bitLength(n);
  let shift = Math.max(bl - LD_MANT_BITS, LD_MIN_EXP - exp);
  let m = n;
  if (shift > 0) {
    const big = BigInt(shift);
    m = n >> big;
    const rem = n - (m << big);
    const half = 1n << (big - 1n);
    if (rem > half || (rem === half && (m & 1n) === 1n)) {
      m += 1n;
      if (bitLength(m) > LD_MANT_BITS) {
        m >>= 1n;
        shift++;
      }
    }
    exp += shift;
  }
  if (m === 0n) return { neg, m: 0n, e: 0 };
  if (bitLength(m) + exp > LD_MAX_BITS) return neg ? -Infinity : Infinity;
  return { neg, m, e: exp };
}

/**
 * Redis's string2ld (strtold, x86-64): decimal or hexadecimal floats, "inf"/"infinity";
 * rejected: empty, leading space, trailing garbage (a NUL byte included), NaN, overflow,
 * underflow to zero, and 5120 bytes or more.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0;
  let neg = false;
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return neg ? -Infinity : Infinity;
  if (rest.startsWith('0x')) return parseHexLD(neg, rest.slice(2));
  const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(rest);
  if (m === null) return null;
  const intDigits = m[1]!;
  const fracDigits = m[2] ?? '';
  if (intDigits.length + fracDigits.length === 0) return null;
  const digits = (intDigits + fracDigits).replace(/^0+/, '');
  if (digits.length === 0) return { neg, m: 0n, e: 0 };
  const expText = m[3] ?? '0';
  // Exponents far outside the range only decide overflow/underflow; clamp before Number().
  const expAbs = expText.replace(/^[+-]/, '').replace(/^0+/, '');
  let exp10 = expAbs.length > 7 ? 10_000_000 : Number(expAbs || '0');
  if (expText.startsWith('-')) exp10 = -exp10;
  exp10 -= fracDigits.length;
  const magnitude = digits.length + exp10; // the value is below 10^magnitude
  if (magnitude > 4934) return null; // ERANGE: overflow
  if (magnitude < -4952) return null; // ERANGE: underflow to zero
  const d = BigInt(digits);
  let r: LongDouble;
  if (exp10 >= 0) {
    r = roundLD(neg, d * 10n ** BigInt(exp10), 0);
  } else {
    // d / 10^k: enough quotient bits for the rounding position, plus a sticky bit.
    const k = -exp10;
    const den = 10n ** BigInt(k);
    const shift = Math.max(0, LD_MANT_BITS + 3 + Math.ceil(k * 3.3219280948873626) - bitLength(d));
    const num = d << BigInt(shift);
    const q = num / den;
    const sticky = num - q * den === 0n ? 0n : 1n;
    r = roundLD(neg, (q << 1n) | sticky, -shift - 1);
  }
  if (typeof r === 'number' || r.m === 0n) return null; // ERANGE
  return r;
}

function parseHexLD(neg: boolean, s: string): LongDouble | null {
  const m = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(s);
  if (m === null) return null;
  const intDigits = m[1]!;
  const fracDigits = m[2] ?? '';
  if (intDigits.length + fracDigits.length === 0) return null;
  const digits = (intDigits + fracDigits).replace(/^0+/, '');
  if (digits.length === 0) return { neg, m: 0n, e: 0 };
  const expText = m[3] ?? '0';
  const expAbs = expText.replace(/^[+-]/, '').replace(/^0+/, '');
  let exp2 = expAbs.length > 7 ? 100_000_000 : Number(expAbs || '0');
  if (expText.startsWith('-')) exp2 = -exp2;
  exp2 -= 4 * fracDigits.length;
  const magnitude = digits.length * 4 + exp2;
  if (magnitude > LD_MAX_BITS + 8) return null;
  if (magnitude < LD_MIN_EXP - 8) return null;
  const r = roundLD(neg, BigInt('0x' + digits), exp2);
  if (typeof r === 'number' || r.m === 0n) return null;
  return r;
}

/** a + b with one rounding; ±Infinity or NaN when the result is not finite. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' ? a : 0;
    const y = typeof b === 'number' ? b : 0;
    return x + y;
  }
  if (a.m === 0n && b.m === 0n) return { neg: a.neg && b.neg, m: 0n, e: 0 };
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const x = a.m << BigInt(a.e - e);
  const y = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -x : x) + (b.neg ? -y : y);
  if (sum === 0n) return { neg: false, m: 0n, e: 0 };
  return roundLD(sum < 0n, sum < 0n ? -sum : sum, e);
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return typeof v !== 'number';
}

/**
 * Redis's ld2string(LD_STR_HUMAN): "%.17Lf" (exact value rounded half-even to 17 decimals),
 * trailing zeros and a trailing '.' removed, "-0" printed as "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (typeof v === 'number') return v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  let text: string;
  if (v.e >= 0) {
    text = (v.m << BigInt(v.e)).toString();
  } else {
    const k = BigInt(-v.e);
    const scaled = v.m * 10n ** 17n;
    let q = scaled >> k;
    const rem = scaled - (q << k);
    const half = 1n << (k - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    const digits = q.toString().padStart(18, '0');
    const intPart = digits.slice(0, digits.length - 17);
    const frac = digits.slice(digits.length - 17).replace(/0+$/, '');
    text = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  }
  if (text === '0') return '0';
  return v.neg ? '-' + text : text;
}

/** The nearest double to a long double (for uses that need no extended precision). */
export function longDoubleToNumber(v: LongDouble): number {
  if (typeof v === 'number') return v;
  const x = Number(v.m) * 2 ** v.e;
  return v.neg ? -x : x;
}

// ---- C's strtod (glibc), for the commands that parse numbers the way Redis's C does ---------

/** What C's strtod consumed: the value, where it stopped, whether errno was ERANGE. */
export interface StrtodResult {
  value: number;
  end: number;
  erange: boolean;
}

/** C isspace(). */
export const C_SPACE = /[ \t\n\v\f\r]/;
const HEX = /^0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/;
const DEC = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const INF = /^inf(?:inity)?/i;
const NAN = /^nan(?:\([0-9A-Za-z_]*\))?/i;

/** glibc's strtod on `s` from `start`: leading white space, sign, decimal/hex/inf/nan. */
export function strtod(s: string, start = 0): StrtodResult {
  let i = start;
  while (i < s.length && C_SPACE.test(s[i]!)) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  const rest = s.slice(i);
  let m: RegExpExecArray | null;
  let value: number;
  let erange = false;
  let len: number;
  if ((m = INF.exec(rest)) !== null) {
    value = Infinity;
    len = m[0].length;
  } else if ((m = NAN.exec(rest)) !== null) {
    value = NaN;
    len = m[0].length;
  } else if ((m = HEX.exec(rest)) !== null) {
    const intDigits = m[1] ?? '';
    const fracDigits = m[2] ?? m[3] ?? '';
    const exp = m[4] !== undefined ? parseInt(m[4], 10) : 0;
    const mant = BigInt('0x' + (intDigits + fracDigits || '0'));
    value = hexToDouble(mant, exp - 4 * fracDigits.length);
    erange = (value === 0 && mant !== 0n) || value === Infinity;
    len = m[0].length;
  } else if ((m = DEC.exec(rest)) !== null) {
    value = Number(m[0]);
    erange = value === Infinity || (value === 0 && /[1-9]/.test(m[0].replace(/[eE].*$/, '')));
    len = m[0].length;
  } else if (/^0[xX]/.test(rest)) {
    // "0x" without hex digits: strtod reads the "0".
    value = 0;
    len = 1;
  } else {
    return { value: 0, end: start, erange: false };
  }
  return { value: negative ? -value : value, end: i + len, erange };
}

/** mant * 2^exp, rounded once to the nearest double (ties to even), as strtod does. */
function hexToDouble(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  const bits = mant.toString(2).length;
  // Normalise to 54+ bits of precision, then let Number() round the integer part once.
  const e2 = exp + bits; // value = 0.1xxx * 2^e2
  if (e2 > 1025) return Infinity;
  if (e2 < -1080) return 0;
  // Smallest exponent of a significant bit a double can hold: -1074.
  let shift = Math.max(bits - 53, -1074 - exp);
  if (shift < 0) shift = 0;
  let m = mant >> BigInt(shift);
  const dropped = mant - (m << BigInt(shift));
  if (shift > 0) {
    const half = 1n << BigInt(shift - 1);
    if (dropped > half || (dropped === half && (m & 1n) === 1n)) m += 1n;
  }
  return Number(m) * 2 ** (exp + shift);
}
