// The single dispatcher, the analogue of Redis's processCommand() and call():
//   lookup -> arity -> gates (auth, loading, MULTI queueing, pause) -> call
// and call() = run the handler, count statistics, record what must be propagated.
// Every command from every source (sockets, EXEC, the AOF loader) passes through here.

import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import type { Command } from './types.js';
import {
  ERR_LOADING,
  ERR_NOAUTH,
  errUnknownCommand,
  errUnknownSubcommand,
  errWrongArity,
} from './errors.js';

/** Commands that run even while the client is inside MULTI (instead of being queued). */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Resolves argv to a command, or replies the lookup/arity error and returns null. */
export function resolveCommand(server: Server, c: Client, argv: string[]): Command | null {
  const top = server.commands.lookup(argv[0]!);
  if (top === undefined) {
    c.reply.error(errUnknownCommand(argv));
    return null;
  }
  let cmd = top;
  // A container that has its own handler (plain COMMAND) runs when given no subcommand.
  if (top.subcommands !== null && !(argv.length === 1 && top.spec.handler !== undefined)) {
    if (argv.length < 2) {
      c.reply.error(errWrongArity(top.fullName));
      top.rejectedCalls++;
      return null;
    }
    const sub = top.subcommands.get(argv[1]!.toLowerCase());
    if (sub === undefined) {
      c.reply.error(errUnknownSubcommand(argv[1]!, top.name));
      top.rejectedCalls++;
      return null;
    }
    cmd = sub;
  }
  if (!cmd.arityOk(argv.length)) {
    c.reply.error(errWrongArity(cmd.fullName));
    cmd.rejectedCalls++;
    return null;
  }
  return cmd;
}

/** processCommand: one request from a client. */
export function processCommand(server: Server, c: Client, argv: string[]): void {
  if (!c.skipNextReply) return dispatchRequest(server, c, argv);
  // CLIENT REPLY SKIP, sent just before: every reply of this request is dropped, errors
  // included (Redis's CLIENT_REPLY_SKIP lasts exactly one command).
  c.skipNextReply = false;
  c.reply.discard = true;
  try {
    dispatchRequest(server, c, argv);
  } finally {
    // A command parked by CLIENT PAUSE runs again later, still without its reply.
    if (c.parked) c.skipNextReply = true;
    c.reply.discard = c.replyMode === 'off' || c.socket === null;
  }
}

function dispatchRequest(server: Server, c: Client, argv: string[]): void {
  c.argv = argv;
  const cmd = resolveCommand(server, c, argv);
  // CLIENT LIST's cmd=: the command looked up, NULL when the (sub)command is unknown.
  c.lastCommand = cmd !== null ? cmd.fullName : lookedUpName(server, argv);
  if (cmd === null) {
    if (c.inMulti) c.multiError = true;
    return;
  }
  // The AOF loader's client replays what was already accepted once: no gate applies.
  if (!c.replaying) {
    if (!c.authenticated && !cmd.noAuth) return reject(c, cmd, ERR_NOAUTH);
    const denied = server.denyReason(cmd, c);
    if (denied !== null) return reject(c, cmd, denied);
    if (server.keyspace.loading && !cmd.allowedWhileLoading) return reject(c, cmd, ERR_LOADING);
  }
  // Redis flags MONITOR clients as replicas, which may not touch the keyspace.
  if (c.monitor && (cmd.isWrite || cmd.isReadonly || cmd.spec.flags.includes('may_replicate'))) {
    return reject(c, cmd, "ERR Replica can't interact with the keyspace");
  }

  if (c.inMulti && !MULTI_IMMEDIATE.has(cmd.fullName)) {
    if (cmd.noMulti) return reject(c, cmd, 'ERR Command not allowed inside a transaction');
    c.multiQueue.push({ cmd, argv });
    c.reply.simple('QUEUED');
    return;
  }

  if (!c.replaying && server.pause.holds(cmd, c)) {
    server.pause.park(c, argv);
    return;
  }

  server.propagation.begin();
  try {
    call(server, c, cmd);
  } catch (err) {
    // A bug in a handler must not take the server down for everyone. The reply stream of
    // this client may be half-written, so it is closed after the error.
    server.logger.warning(`Internal error executing '${cmd.fullName}': ${(err as Error).stack ?? String(err)}`);
    c.reply.error(`ERR internal error executing '${cmd.fullName}'`);
    c.closeAfterReply = true;
  } finally {
    server.propagation.end(cmd.spec.touchesArbitraryKeys !== true);
  }
  // Keys this command gave values to may serve clients blocked on them: they run next,
  // each in its own execution unit (not while loading: they are served after it).
  if (!server.keyspace.loading) server.blocking.serveReady();
}

/** The name of what argv resolves to, for a request that failed lookup or arity. */
function lookedUpName(server: Server, argv: readonly string[]): string {
  return server.commands.resolve(argv)?.fullName ?? 'NULL';
}

/**
 * A gate refused the command: count it, doom a transaction being queued, reply the error. A
 * refused EXEC ends the transaction (Redis's execCommandAbort): EXECABORT with the reason.
 */
function reject(c: Client, cmd: Command, message: string): void {
  cmd.rejectedCalls++;
  if (c.inMulti && cmd.fullName === 'exec') {
    c.discardTransaction();
    c.reply.error(`EXECABORT Transaction discarded because of: ${message}`);
    return;
  }
  if (c.inMulti && !MULTI_IMMEDIATE.has(cmd.fullName)) c.multiError = true;
  c.reply.error(message);
}

/**
 * call(): executes a resolved command for a client and records its effects. Also used by
 * EXEC for each queued command (inside EXEC's execution unit).
 *
 * Clocks cost ~45 ns a read, a tenth of a pipelined SET, so they are read sparingly: the
 * caller's batch (Server.startBatch, once per socket read) sets the keyspace time and the
 * monotonic clock; each command's end is the next command's start, and a command that ran
 * for a millisecond or more moves the keyspace time on for the rest of the batch.
 */
export function call(server: Server, c: Client, cmd: Command): void {
  const ks = server.keyspace;
  const dirtyBefore = ks.dirty;
  const errorsBefore = server.stats.errorReplies;
  c.propagateArgv = null;
  c.propagationPrevented = false;
  c.propagationForced = false;

  c.currentCommand = cmd;
  const start = server.clock;
  // callDepth > 1: running inside another command (EXEC), where nothing may block.
  c.callDepth++;
  const noTouchBefore = ks.noTouch;
  ks.noTouch = c.noTouch && cmd.fullName !== 'touch';
  try {
    cmd.spec.handler!(c);
  } finally {
    c.callDepth--;
    ks.noTouch = noTouchBefore;
  }
  const end = performance.now();
  server.clock = end;
  const micros = (end - start) * 1000;
  if (micros >= 1000) ks.time = Date.now();
  // A command that blocked is accounted for when its wait ends (it ran again, or timed out).
  if (c.blocked !== null) return;

  // Redis runs AOF records with cmd->proc directly: not in commandstats, slowlog, MONITOR.
  if (!c.replaying) {
    cmd.calls++;
    cmd.usec += micros;
    if (server.stats.errorReplies > errorsBefore) cmd.failedCalls++;
    server.stats.commandsProcessed++;
    server.afterCall(c, cmd, micros);
  }

  const changed = ks.dirty > dirtyBefore;
  if ((changed || c.propagationForced) && !c.propagationPrevented && !c.replaying && server.propagation.hasListeners) {
    server.propagation.add(c.db.id, c.propagateArgv ?? c.argv);
  }
}
