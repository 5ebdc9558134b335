// Small client-side steps the AOF tests share: a command that must succeed, a pipeline, INFO
// fields, waiting for blocked clients, sleeping.

import { RespClient, RespError, encodeCommand, type RespValue } from './resp-client.js';
import { waitFor } from './server.js';

export type Arg = string | number | Buffer;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends a command that must not fail; returns its reply. */
export async function ok(c: RespClient, ...args: Arg[]): Promise<RespValue> {
  const r = await c.call(...args);
  if (r instanceof RespError) throw new Error(`${args.map(String).join(' ').slice(0, 200)} -> ${r.message}`);
  return r;
}

/** Sends every command at once, then reads every reply (none may be an error). */
export async function pipeline(c: RespClient, cmds: Arg[][]): Promise<RespValue[]> {
  c.writeRaw(Buffer.concat(cmds.map((a) => encodeCommand(a))));
  const out: RespValue[] = [];
  for (const cmd of cmds) {
    const r = await c.read(20_000);
    if (r instanceof RespError) throw new Error(`${cmd.slice(0, 3).map(String).join(' ')} -> ${r.message}`);
    out.push(r);
  }
  return out;
}

/** The fields of an INFO section, in order. */
export async function infoFields(c: RespClient, section = 'persistence'): Promise<[string, string][]> {
  const text = String(await c.call('INFO', section));
  const out: [string, string][] = [];
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out.push([line.slice(0, i), line.slice(i + 1)]);
  }
  return out;
}

export async function info(c: RespClient, section = 'persistence'): Promise<Map<string, string>> {
  return new Map(await infoFields(c, section));
}

/** Waits until INFO clients shows `n` blocked clients. */
export async function waitBlocked(c: RespClient, n: number): Promise<void> {
  await waitFor(async () => String(await c.call('INFO', 'clients')).includes(`\r\nblocked_clients:${n}\r\n`), 5000, `${n} blocked client(s)`);
}
