// String commands. A string value is a latin1 JS string (one char per byte).
//
// Propagation: every relative or non-deterministic form is logged in an absolute one, e.g.
//   SET k v EX 10      -> SET k v PXAT <unix-ms>
// so replaying the log later gives the same dataset.

import type { Client } from '../server/client.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from './errors.js';
import { absoluteExpireArg, isOpt, readString, type ExpireUnit } from './args.js';
import type { CommandSpec } from './types.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;

/**
 * SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
 *     PXAT unix-time-milliseconds | KEEPTTL]
 */
function setCommand(c: Client): void {
  const argv = c.argv;
  const key = argv[1]!;
  const value = argv[2]!;
  let nx = false;
  let xx = false;
  let get = false;
  let keepTtl = false;
  let unit: ExpireUnit | null = null;
  let expireText = '';
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i]!.toUpperCase();
    const hasNext = i + 1 < argv.length;
    if (opt === 'NX' && !xx) nx = true;
    else if (opt === 'XX' && !nx) xx = true;
    else if (opt === 'GET') get = true;
    else if (opt === 'KEEPTTL' && unit === null) keepTtl = true;
    else if ((opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') && unit === null && !keepTtl && hasNext) {
      unit = opt;
      expireText = argv[++i]!;
    } else return c.reply.error(ERR_SYNTAX);
  }
  let expireAt = 0;
  if (unit !== null) {
    const at = absoluteExpireArg(c, expireText, unit, 'set');
    if (at === null) return;
    expireAt = at;
  }
  const db = c.db;
  let old: string | null = null;
  if (get) {
    const v = readString(c, key);
    if (v === false) return;
    old = v;
  }
  const exists = get ? old !== null : db.has(key);
  if ((nx && exists) || (xx && !exists)) {
    if (get) return old === null ? c.reply.nullBulk() : c.reply.bulk(old);
    return c.reply.nullBulk();
  }
  db.set(key, value, keepTtl);
  if (expireAt !== 0) db.setExpire(key, expireAt);
  if (get) {
    if (old === null) c.reply.nullBulk();
    else c.reply.bulk(old);
  } else c.reply.ok();
  // EX/PX/EXAT become one absolute PXAT so the log replays to the same expiry.
  if (unit !== null && unit !== 'PXAT') c.propagateAs(['SET', key, value, 'PXAT', String(expireAt)]);
}

export const stringCommands = [
  {
    // GET key
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Get the value of a key',
    complexity: 'O(1)',
    handler(c) {
      const v = readString(c, c.argv[1]!);
      if (v === false) return;
      if (v === null) c.reply.nullBulk();
      else c.reply.bulk(v);
    },
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: KEY1,
    categories: ['string'],
    group: 'string',
    since: '1.0.0',
    summary: 'Set the string value of a key',
    complexity: 'O(1)',
    handler: setCommand,
  },
] as const satisfies readonly CommandSpec[];

void ERR_WRONGTYPE;
void isOpt;
