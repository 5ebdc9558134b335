// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//
// While a client is in MULTI the dispatcher queues its commands (replying +QUEUED); EXEC runs
// them through call() inside one execution unit, so their propagated operations are wrapped
// in MULTI/EXEC when there is more than one. A WATCHed key modified (or expired) since WATCH
// makes EXEC reply nil.

import type { Client } from '../server/client.js';
import { call } from './dispatch.js';
import { ERR_EXECABORT } from './errors.js';
import type { CommandSpec } from './types.js';

const TX_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

/** Redis 7.0: a key that was live at WATCH time and has expired since counts as modified. */
function watchedKeyExpired(c: Client): boolean {
  const ks = c.server.keyspace;
  const now = Date.now();
  for (const w of c.watched) {
    if (w.expiredAtWatch) continue;
    const e = ks.dbs[w.db]!.peekEntry(w.key);
    if (e !== undefined && e.expireAt !== 0 && e.expireAt <= now) return true;
  }
  return false;
}

export const transactionCommands = [
  {
    // MULTI
    name: 'multi',
    arity: 1,
    flags: TX_FLAGS,
    categories: ['transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Mark the start of a transaction block',
    complexity: 'O(1)',
    handler(c) {
      if (c.inMulti) return c.reply.error('ERR MULTI calls can not be nested');
      c.inMulti = true;
      c.multiQueue = [];
      c.multiError = false;
      c.reply.ok();
    },
  },
  {
    // EXEC
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    categories: ['transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Execute all commands issued after MULTI',
    complexity: 'Depends on commands in the transaction',
    handler(c) {
      if (!c.inMulti) return c.reply.error('ERR EXEC without MULTI');
      if (c.multiError) {
        c.discardTransaction();
        return c.reply.error(ERR_EXECABORT);
      }
      if (c.dirtyCas || watchedKeyExpired(c)) {
        c.discardTransaction();
        return c.reply.nullArray();
      }
      const queue = c.multiQueue;
      const execArgv = c.argv;
      // Unwatch first: the transaction's own writes must not dirty it.
      c.unwatchAll();
      c.inMulti = false;
      c.multiQueue = [];
      c.reply.array(queue.length);
      c.server.inExec = true;
      try {
        for (const q of queue) {
          c.argv = q.argv;
          call(c.server, c, q.cmd);
        }
      } finally {
        c.server.inExec = false;
        c.argv = execArgv;
      }
      // The queued commands propagated themselves; EXEC adds nothing of its own.
      c.preventPropagation();
    },
  },
  {
    // DISCARD
    name: 'discard',
    arity: 1,
    flags: TX_FLAGS,
    categories: ['transaction'],
    group: 'transactions',
    since: '2.0.0',
    summary: 'Discard all commands issued after MULTI',
    complexity: 'O(N), when N is the number of queued commands',
    handler(c) {
      if (!c.inMulti) return c.reply.error('ERR DISCARD without MULTI');
      c.discardTransaction();
      c.reply.ok();
    },
  },
  {
    // WATCH key [key ...]
    name: 'watch',
    arity: -2,
    flags: TX_FLAGS,
    keys: { first: 1, last: -1, step: 1 },
    categories: ['transaction'],
    group: 'transactions',
    since: '2.2.0',
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    complexity: 'O(1) for every key.',
    arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
    handler(c) {
      if (c.inMulti) return c.reply.error('ERR WATCH inside MULTI is not allowed');
      const ks = c.server.keyspace;
      const now = Date.now();
      for (let i = 1; i < c.argv.length; i++) {
        const key = c.argv[i]!;
        if (c.watched.some((w) => w.db === c.db.id && w.key === key)) continue;
        const e = c.db.peekEntry(key);
        const expiredAtWatch = e !== undefined && e.expireAt !== 0 && e.expireAt <= now;
        c.watched.push({ db: c.db.id, key, expiredAtWatch });
        ks.watches.watch(c.db.id, key, c);
      }
      c.reply.ok();
    },
  },
  {
    // UNWATCH
    name: 'unwatch',
    arity: 1,
    flags: TX_FLAGS,
    categories: ['transaction'],
    group: 'transactions',
    since: '2.2.0',
    summary: 'Forget about all watched keys',
    complexity: 'O(1)',
    handler(c) {
      c.unwatchAll();
      c.reply.ok();
    },
  },
] as const satisfies readonly CommandSpec[];
