// Choosing clients: the client types, CLIENT LIST's filters and CLIENT KILL (old form and
// filters). Split from client.ts, which keeps the connection's own settings.

import type { Client } from '../server/client.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_SYNTAX } from './errors.js';
import { isOpt } from './args.js';

type ClientType = 'normal' | 'replica' | 'master' | 'pubsub';

/** Redis's getClientTypeByName (slave is an alias of replica). */
function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'master':
      return 'master';
    case 'pubsub':
      return 'pubsub';
    default:
      return null;
  }
}

/**
 * Redis's getClientType. nodis has no replication links and, until pub/sub exists, no
 * subscribed clients; MONITOR clients count as normal, as in Redis.
 */
function clientType(_c: Client): ClientType {
  return 'normal';
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
export function clientList(c: Client): void {
  const argv = c.argv;
  let out = '';
  if (argv.length === 4 && isOpt(argv[2]!, 'TYPE')) {
    const type = clientTypeByName(argv[3]!);
    if (type === null) return c.reply.error(`ERR Unknown client type '${argv[3]}'`);
    for (const other of c.server.clients) if (clientType(other) === type) out += `${other.describe()}\n`;
  } else if (argv.length > 3 && isOpt(argv[2]!, 'ID')) {
    for (let j = 3; j < argv.length; j++) {
      const id = parseInt64(argv[j]!);
      if (id === null) return c.reply.error('ERR Invalid client ID');
      for (const other of c.server.clients) {
        if (other.id === Number(id)) {
          out += `${other.describe()}\n`;
          break;
        }
      }
    }
  } else if (argv.length !== 2) {
    return c.reply.error(ERR_SYNTAX);
  } else {
    for (const other of c.server.clients) out += `${other.describe()}\n`;
  }
  c.reply.verbatim(out);
}

interface KillFilter {
  addr: string | null;
  laddr: string | null;
  type: ClientType | null;
  id: number;
  maxAge: number;
  skipMe: boolean;
}

/** Parses CLIENT KILL's filters (new form); replies the error and returns null if invalid. */
function parseKillFilter(c: Client): KillFilter | null {
  const argv = c.argv;
  const f: KillFilter = { addr: null, laddr: null, type: null, id: 0, maxAge: 0, skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!;
    if (i + 1 >= argv.length) {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
    const value = argv[i + 1]!;
    if (isOpt(opt, 'ID')) {
      const id = parseInt64(value);
      if (id === null || id < 1) {
        c.reply.error('ERR client-id should be greater than 0');
        return null;
      }
      f.id = Number(id);
    } else if (isOpt(opt, 'MAXAGE')) {
      const age = parseInt64(value);
      if (age === null) {
        c.reply.error('ERR maxage is not an integer or out of range');
        return null;
      }
      if (age <= 0) {
        c.reply.error('ERR maxage should be greater than 0');
        return null;
      }
      f.maxAge = Number(age);
    } else if (isOpt(opt, 'TYPE')) {
      f.type = clientTypeByName(value);
      if (f.type === null) {
        c.reply.error(`ERR Unknown client type '${value}'`);
        return null;
      }
    } else if (isOpt(opt, 'ADDR')) {
      f.addr = value;
    } else if (isOpt(opt, 'LADDR')) {
      f.laddr = value;
    } else if (isOpt(opt, 'USER')) {
      // "default" is the only user nodis has, and every connection is authenticated as it.
      if (value !== 'default') {
        c.reply.error(`ERR No such user '${value}'`);
        return null;
      }
    } else if (isOpt(opt, 'SKIPME') && (isOpt(value, 'YES') || isOpt(value, 'NO'))) {
      f.skipMe = isOpt(value, 'YES');
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return f;
}

// CLIENT KILL ip:port
// CLIENT KILL [ID client-id] [TYPE type] [USER username] [ADDR ip:port] [LADDR ip:port]
//             [SKIPME yes|no] [MAXAGE maxage] ...
export function clientKill(c: Client): void {
  const oldForm = c.argv.length === 3;
  // The old form may kill the caller itself.
  const f: KillFilter | null = oldForm ? { addr: c.argv[2]!, laddr: null, type: null, id: 0, maxAge: 0, skipMe: false } : parseKillFilter(c);
  if (f === null) return;
  const now = Date.now();
  let killed = 0;
  let killSelf = false;
  for (const other of [...c.server.clients]) {
    if (f.addr !== null && other.remoteAddress !== f.addr) continue;
    if (f.laddr !== null && other.localAddress !== f.laddr) continue;
    if (f.type !== null && clientType(other) !== f.type) continue;
    if (f.id !== 0 && other.id !== f.id) continue;
    if (other === c && f.skipMe) continue;
    if (f.maxAge !== 0 && Math.floor((now - other.createdAt) / 1000) < f.maxAge) continue;
    if (other === c) killSelf = true;
    else other.close();
    killed++;
  }
  if (oldForm) {
    if (killed === 0) c.reply.error('ERR No such client');
    else c.reply.ok();
  } else {
    c.reply.integer(killed);
  }
  // The caller goes once its reply is out.
  if (killSelf) c.closeAfterReply = true;
}
