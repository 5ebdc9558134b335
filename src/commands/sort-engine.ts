// The parts of SORT that are pure computation: the weight of an element (C's strtod with the
// exact conditions under which Redis 7.0 refuses it), the comparison Redis's sortCompare makes
// in each mode, and the partial quicksort Redis uses for BY ... LIMIT (whose order among equal
// elements differs from a stable sort and is visible in replies, so it is reproduced exactly).

import { strtod } from '../resp/numbers.js';

/** One element being sorted (redisSortObject). */
export interface SortItem {
  /** The element itself. */
  readonly obj: string;
  /** Numeric weight (0 when the BY key is missing). */
  score: number;
  /**
   * ALPHA with BY: the weight string, null when the BY key is missing (sorts first). For a
   * strcoll comparison it is already cut at its first NUL, as C compares it.
   */
  cmp: string | null;
  /** ALPHA without BY and without STORE: obj cut at its first NUL (strcoll's view). */
  key: string;
}

/** A string as C sees it: up to the first NUL byte. */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** memcmp order (then the shorter first): latin1 JS strings compare exactly so. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The modes of sortCompare: server.sort_alpha / sort_bypattern / sort_store / sort_desc. */
export interface SortMode {
  alpha: boolean;
  byPattern: boolean;
  desc: boolean;
}

/**
 * sortCompare. Numeric: by weight, equal weights by the elements' bytes. ALPHA: by the BY
 * weights (missing first) or the elements — with strcoll when not storing (nodis collates as
 * the C locale: bytes up to the first NUL; the caller prepared `key`/`cmp` accordingly),
 * byte-wise when storing. DESC negates the whole comparison, tie-break included.
 */
export function sortComparator(mode: SortMode): (a: SortItem, b: SortItem) => number {
  let cmp: (a: SortItem, b: SortItem) => number;
  if (!mode.alpha) {
    cmp = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.obj, b.obj));
  } else if (mode.byPattern) {
    cmp = (a, b) => {
      if (a.cmp === null || b.cmp === null) return a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
      return compareBytes(a.cmp, b.cmp);
    };
  } else {
    cmp = (a, b) => compareBytes(a.key, b.key);
  }
  if (!mode.desc) return cmp;
  return (a, b) => -cmp(a, b) || 0;
}

const DBL_MIN = 2.2250738585072014e-308;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/**
 * The numeric weight of a string as SORT computes it: strtod over the C string (so anything
 * after a NUL is ignored; "" is 0; leading white space, hex floats, inf allowed), refused
 * (null) when characters are left over, the result is NaN, or strtod set ERANGE — overflow,
 * underflow to zero, and an inexact result in the subnormal range (glibc judges decimal
 * input tiny before rounding and hex input after, which is reproduced too).
 */
export function sortWeight(s: string): number | null {
  const t = cString(s);
  // The common case: a plain decimal without exponent. Too short to overflow or underflow,
  // and Number() rounds exactly as strtod does.
  if (t.length <= 300 && PLAIN.test(t)) return Number(t);
  const r = strtod(t);
  if (r.end !== t.length || Number.isNaN(r.value) || r.erange) return null;
  const v = Math.abs(r.value);
  if (v !== 0 && v <= DBL_MIN && inexactTiny(t, v)) return null;
  return r.value;
}

const HEX = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const DEC = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** v (0 < v <= DBL_MIN) parsed from t: would glibc's strtod report an underflow? */
function inexactTiny(t: string, v: number): boolean {
  const text = t.trim().replace(/^[+-]/, '');
  // v = m * 2^-1074 exactly (scaling by powers of two is exact).
  const m = BigInt(v * 2 ** 1000 * 2 ** 74);
  const hex = HEX.exec(text);
  if (hex !== null) {
    if (v === DBL_MIN) return false; // tiny after rounding only
    const frac = hex[2] ?? '';
    const mant = BigInt('0x' + ((hex[1] ?? '') + frac || '0'));
    const shift = (hex[3] !== undefined ? parseInt(hex[3], 10) : 0) - 4 * frac.length + 1074;
    return shift >= 0 ? mant << BigInt(shift) !== m : mant !== m << BigInt(-shift);
  }
  const dec = DEC.exec(text);
  if (dec === null) return false;
  const frac = dec[2] ?? '';
  const digits = BigInt((dec[1] ?? '') + frac || '0');
  // exact = digits * 10^-k; compare digits * 2^1074 with m * 10^k.
  const k = frac.length - (dec[3] !== undefined ? parseInt(dec[3], 10) : 0);
  if (k <= 0) return false; // an integer: not tiny
  const lhs = digits << 1074n;
  const scale = 10n ** BigInt(k);
  if (v === DBL_MIN) return lhs < (1n << 52n) * scale; // tiny before rounding, hence inexact
  return lhs !== m * scale;
}

/**
 * Redis's pqsort (Bentley & McIlroy's quicksort from NetBSD libc, narrowed to the partitions
 * that overlap [lrange, rrange]): afterwards the items at lrange..rrange are those a full sort
 * would put there, in the order this algorithm leaves equal items in.
 */
export function partialQuickSort<T>(a: T[], cmp: (x: T, y: T) => number, lrange: number, rrange: number): void {
  partition(a, 0, a.length, cmp, lrange, rrange);
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function swapRuns<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

function med3<T>(a: T[], i: number, j: number, k: number, cmp: (x: T, y: T) => number): number {
  return cmp(a[i]!, a[j]!) < 0
    ? cmp(a[j]!, a[k]!) < 0
      ? j
      : cmp(a[i]!, a[k]!) < 0
        ? k
        : i
    : cmp(a[j]!, a[k]!) > 0
      ? j
      : cmp(a[i]!, a[k]!) < 0
        ? i
        : k;
}

function insertionSort<T>(a: T[], base: number, n: number, cmp: (x: T, y: T) => number): void {
  for (let m = base + 1; m < base + n; m++) {
    for (let l = m; l > base && cmp(a[l - 1]!, a[l]!) > 0; l--) swap(a, l, l - 1);
  }
}

/** Does [lrange, rrange] overlap the n items from base? */
function overlaps(base: number, n: number, lrange: number, rrange: number): boolean {
  const last = base + n - 1;
  return !((lrange < base && rrange < base) || (lrange > last && rrange > last));
}

function partition<T>(a: T[], base: number, n: number, cmp: (x: T, y: T) => number, lrange: number, rrange: number): void {
  for (;;) {
    if (n < 7) return insertionSort(a, base, n, cmp);
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(a, pm - d, pm, pm + d, cmp);
        pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(a, pl, pm, pn, cmp);
    }
    swap(a, base, pm);
    let swapped = false;
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(a[pb]!, a[base]!)) <= 0) {
        if (r === 0) {
          swapped = true;
          swap(a, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(a[pc]!, a[base]!)) >= 0) {
        if (r === 0) {
          swapped = true;
          swap(a, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb, pc);
      swapped = true;
      pb++;
      pc--;
    }
    if (!swapped) return insertionSort(a, base, n, cmp);
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    swapRuns(a, base, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    swapRuns(a, pb, pn - r, r);
    r = pb - pa;
    if (r > 1 && overlaps(base, r, lrange, rrange)) partition(a, base, r, cmp, lrange, rrange);
    r = pd - pc;
    if (r <= 1) return;
    base = pn - r;
    n = r;
    if (!overlaps(base, n, lrange, rrange)) return;
  }
}
