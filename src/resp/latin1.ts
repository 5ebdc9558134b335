// Writing latin1 text (one byte per char: how nodis holds keys and values) into a Buffer, for
// the two encoders on the hot path: replies (reply.ts) and AOF records (aof/feed.ts).

/** A Buffer with Node's latin1Write, which Buffer's public typings do not list. */
export type Latin1Buffer = Buffer & { latin1Write(s: string, offset: number, length?: number): number };

/**
 * Writes `s` at `at` (space already ensured) and returns the new end. Short strings are copied
 * by a JS loop: cheaper than a native latin1Write() call, which is kept for longer ones.
 */
export function writeLatin1(buf: Latin1Buffer, at: number, s: string): number {
  const n = s.length;
  if (n > 16) return at + buf.latin1Write(s, at);
  for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
  return at;
}
