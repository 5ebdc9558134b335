// Helpers for wire-level tests: deliver bytes to the server in controlled reads, and read a
// known number of replies.

import type { TestServer } from '../helpers/server.js';
import type { RespClient } from '../helpers/resp-client.js';

/**
 * Writes `data` and resolves once the server has read all of it (its net input counter grew by
 * data.length). Writing the next piece only after this guarantees the server sees the two
 * pieces in separate reads, whatever TCP would otherwise coalesce. Only valid while no other
 * connection is sending to `srv`.
 */
export async function writeAndWaitRead(srv: TestServer, c: RespClient, data: Buffer): Promise<void> {
  const stats = srv.server.stats;
  const target = stats.netInputBytes + data.length;
  c.writeRaw(data);
  const deadline = Date.now() + 5000;
  while (stats.netInputBytes < target) {
    if (Date.now() > deadline) throw new Error(`server did not read ${data.length} bytes in time`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Reads `n` replies and returns their exact bytes concatenated. */
export async function readReplies(c: RespClient, n: number, timeoutMs = 5000): Promise<string> {
  let out = '';
  for (let i = 0; i < n; i++) out += await c.readRaw(timeoutMs);
  return out;
}

/** Resolves true if the connection stays open and silent for `ms` (nothing to read). */
export async function staysSilent(c: RespClient, ms = 150): Promise<boolean> {
  await new Promise((r) => setTimeout(r, ms));
  return !c.closed && c.unread === '';
}

export const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
