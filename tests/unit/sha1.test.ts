// The JS SHA-1 behind DEBUG DIGEST equals node:crypto's for every length around the block
// boundaries and for the long inputs it hands over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { sha1Into } from '../../src/keyspace/sha1.js';

test('sha1Into equals node:crypto for bytes and latin1 strings of 0..300 bytes', () => {
  const out = new Uint8Array(20);
  for (let len = 0; len <= 300; len++) {
    for (let round = 0; round < 3; round++) {
      const bytes = randomBytes(len);
      const expected = createHash('sha1').update(bytes).digest();
      sha1Into(bytes, out);
      assert.deepEqual(Buffer.from(out), expected, `bytes, length ${len}`);
      sha1Into(bytes.toString('latin1'), out);
      assert.deepEqual(Buffer.from(out), expected, `string, length ${len}`);
    }
  }
  sha1Into('abc', out);
  assert.equal(Buffer.from(out).toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
});
