// Redis's glob-style pattern matching (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE):
//   *  any sequence    ?  any one char    [abc] [^abc] [a-z]  a set    \x  a literal x
// Only `*` is variable-length, so one backtrack point (the last star) suffices: linear
// time in practice, no exponential blow-up on hostile patterns.

export function globMatch(pattern: string, text: string, nocase = false): boolean {
  // Redis's stringmatchlen never enters its loop for an empty string: only "" matches it
  // (even "*" does not; KEYS * avoids matching altogether).
  if (text.length === 0) return pattern.length === 0;
  if (nocase) {
    pattern = pattern.toLowerCase();
    text = text.toLowerCase();
  }
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  const plen = pattern.length;
  const tlen = text.length;
  while (t < tlen) {
    if (p < plen) {
      const c = pattern[p]!;
      if (c === '*') {
        while (p < plen && pattern[p] === '*') p++;
        if (p === plen) return true;
        starP = p;
        starT = t;
        continue;
      }
      const step = matchOne(pattern, p, text[t]!);
      if (step > 0) {
        p += step;
        t++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    t = ++starT;
  }
  while (p < plen && pattern[p] === '*') p++;
  return p === plen;
}

/** Matches one pattern element at p against ch: returns its length in the pattern, or 0. */
function matchOne(pattern: string, p: number, ch: string): number {
  const c = pattern[p]!;
  if (c === '?') return 1;
  if (c === '\\' && p + 1 < pattern.length) return pattern[p + 1] === ch ? 2 : 0;
  if (c !== '[') return c === ch ? 1 : 0;
  // A set: [abc] [^abc] [a-z] with \ escapes; an unterminated set runs to the end.
  let i = p + 1;
  const negate = pattern[i] === '^';
  if (negate) i++;
  let matched = false;
  for (;;) {
    if (i >= pattern.length) {
      i--; // Redis treats the end of the pattern as the end of the set
      break;
    }
    const s = pattern[i]!;
    if (s === '\\' && i + 1 < pattern.length) {
      i++;
      if (pattern[i] === ch) matched = true;
    } else if (s === ']') {
      break;
    } else if (i + 2 < pattern.length && pattern[i + 1] === '-') {
      let lo = s;
      let hi = pattern[i + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) matched = true;
      i += 2;
    } else if (s === ch) {
      matched = true;
    }
    i++;
  }
  if (negate) matched = !matched;
  return matched ? i - p + 1 : 0;
}
