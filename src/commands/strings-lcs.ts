// LCS: the longest common subsequence of two string values, by the classic dynamic
// programming table, as Redis 7.0 computes it (same table, same walk back, so the same
// subsequence and the same match ranges when several are possible).

import type { Client } from '../server/client.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';
import type { CommandSpec } from './types.js';

/** One match: [start, end] in the first value, [start, end] in the second, its length. */
type Range = [number, number, number, number, number];

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN] */
function lcsCommand(c: Client): void {
  const argv = c.argv;
  const va = c.db.lookupRead(argv[1]!);
  const vb = c.db.lookupRead(argv[2]!);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
    return c.reply.error('ERR The specified keys must contain string values');
  }
  const a = va ?? '';
  const b = vb ?? '';
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    if (opt === 'IDX') getIdx = true;
    else if (opt === 'LEN') getLen = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && j + 1 < argv.length) {
      const n = parseInt64(argv[++j]!);
      if (n === null) return c.reply.error(ERR_NOT_INTEGER);
      minMatchLen = n < 0 ? 0 : Number(n);
    } else return c.reply.error(ERR_SYNTAX);
  }
  if (getLen && getIdx) return c.reply.error('ERR If you want both the length and indexes, please just use IDX.');

  const alen = a.length;
  const blen = b.length;
  const cols = blen + 1;
  // The table is transient memory, bounded like a string (Redis: uint32 cells).
  if ((alen + 1) * cols * 4 > c.server.config.num('proto-max-bulk-len')) {
    return c.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  let table: Uint32Array;
  try {
    table = new Uint32Array((alen + 1) * cols);
  } catch {
    return c.reply.error('ERR Insufficient memory, failed allocating transient memory for LCS');
  }
  // table[i * cols + j] = length of the LCS of a[0..i) and b[0..j); row and column 0 stay 0.
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * cols;
    const prev = row - cols;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) table[row + j] = table[prev + j - 1]! + 1;
      else {
        const up = table[prev + j]!;
        const left = table[row + j - 1]!;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * cols + blen]!;

  // Walk back from the end, collecting the subsequence and the contiguous match ranges.
  const computeLcs = getIdx || !getLen;
  const chars: number[] = computeLcs ? new Array<number>(total) : [];
  const ranges: Range[] = [];
  let idx = total;
  let aStart = alen; // alen: no range open
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (table[(i - 1) * cols + j]! > table[i * cols + j - 1]!) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      aStart = alen;
    }
  }

  const r = c.reply;
  if (getIdx) {
    r.map(2);
    r.bulk('matches');
    r.array(ranges.length);
    for (const [as, ae, bs, be, len] of ranges) {
      r.array(withMatchLen ? 3 : 2);
      r.array(2);
      r.integer(as);
      r.integer(ae);
      r.array(2);
      r.integer(bs);
      r.integer(be);
      if (withMatchLen) r.integer(len);
    }
    r.bulk('len');
    r.integer(total);
  } else if (getLen) {
    r.integer(total);
  } else {
    let s = '';
    // fromCharCode in slices: one call per char would be slow, one call for all may overflow the stack.
    for (let k = 0; k < chars.length; k += 8192) s += String.fromCharCode(...chars.slice(k, k + 8192));
    r.bulk(s);
  }
}

export const stringLcsCommands = [
  {
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 1, last: 2, step: 1 },
    categories: ['string'],
    group: 'string',
    since: '7.0.0',
    summary: 'Find longest common substring',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    keyFlags: ['RO', 'access'],
    arguments: [
      { name: 'key1', type: 'key', keySpecIndex: 0 },
      { name: 'key2', type: 'key', keySpecIndex: 0 },
      { name: 'len', type: 'pure-token', token: 'LEN', optional: true },
      { name: 'idx', type: 'pure-token', token: 'IDX', optional: true },
      { name: 'len', type: 'integer', token: 'MINMATCHLEN', optional: true },
      { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', optional: true },
    ],
    handler: lcsCommand,
  },
] as const satisfies readonly CommandSpec[];
