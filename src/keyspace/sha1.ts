// SHA-1 of short inputs in plain JS, for DEBUG DIGEST, which hashes every key, element and
// intermediate digest separately: hundreds of thousands of tiny inputs, where creating a
// node:crypto Hash object per input (~1-5 µs) costs several times the hashing itself.
// Inputs longer than SHORT_INPUT go to node:crypto. Strings are latin1 (one char per byte).

import { createHash } from 'node:crypto';

const SHORT_INPUT = 256;
const W = new Int32Array(80);

/** Writes SHA1(data) into out[0..20). */
export function sha1Into(data: string | Uint8Array, out: Uint8Array): void {
  const len = data.length;
  if (len > SHORT_INPUT) {
    const h = createHash('sha1');
    if (typeof data === 'string') h.update(data, 'latin1');
    else h.update(data);
    out.set(h.digest());
    return;
  }
  const str = typeof data === 'string' ? data : null;
  const bytes = typeof data === 'string' ? null : data;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  // Message, 0x80, zeros, then the length in bits in the last 8 bytes of the last block.
  const blocks = ((len + 8) >> 6) + 1;
  for (let blk = 0; blk < blocks; blk++) {
    const base = blk * 64;
    for (let i = 0; i < 16; i++) {
      let word = 0;
      for (let j = 0; j < 4; j++) {
        const at = base + i * 4 + j;
        const byte = at < len ? (str !== null ? str.charCodeAt(at) : bytes![at]!) : at === len ? 0x80 : 0;
        word = (word << 8) | byte;
      }
      W[i] = word;
    }
    if (blk === blocks - 1) {
      W[14] = Math.floor(len / 0x20000000);
      W[15] = (len * 8) | 0;
    }
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!;
      W[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + W[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  writeWord(out, 0, h0);
  writeWord(out, 4, h1);
  writeWord(out, 8, h2);
  writeWord(out, 12, h3);
  writeWord(out, 16, h4);
}

function writeWord(out: Uint8Array, at: number, w: number): void {
  out[at] = w >>> 24;
  out[at + 1] = (w >>> 16) & 0xff;
  out[at + 2] = (w >>> 8) & 0xff;
  out[at + 3] = w & 0xff;
}
