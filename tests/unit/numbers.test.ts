// formatDouble is Redis's "%.17g" (ZSCORE replies, ZADD records in the AOF rewrite).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDouble } from '../../src/resp/numbers.js';

test('formatDouble: %.17g for integers, fractions, extremes and signed zero', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-42, '-42'],
    [0.1, '0.10000000000000001'],
    [1.5, '1.5'],
    [1e300, '1.0000000000000001e+300'],
    [1e-300, '1e-300'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [2 ** 53, '9007199254740992'],
    // Beyond 2^53 JS's shortest form (…810) differs from the exact digits C prints (…808).
    [42618602816946808, '42618602816946808'],
    [-42618602816946808, '-42618602816946808'],
    [1e17, '1e+17'],
  ];
  for (const [d, text] of cases) assert.equal(formatDouble(d), text, String(d));
});
