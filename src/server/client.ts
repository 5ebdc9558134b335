// A client: one connection's state — selected database, protocol, authentication, MULTI
// queue and WATCHed keys, reply mode — plus its input loop. A client without a socket is used
// to replay the AOF through the same dispatcher (its replies are discarded).

import type { Socket } from 'node:net';
import { RequestDecoder, ProtocolError } from '../resp/decoder.js';
import { ReplyWriter } from '../resp/reply.js';
import type { Database } from '../keyspace/database.js';
import type { Watcher } from '../keyspace/watch.js';
import type { Command } from '../commands/types.js';
import type { Server } from './server.js';
import type { BlockedClient, BlockRequest } from './blocking.js';

export interface QueuedCommand {
  readonly cmd: Command;
  readonly argv: string[];
}

export interface WatchedKey {
  readonly db: number;
  readonly key: string;
  /** The key was already logically expired when WATCHed (Redis 7.0: its expiry then does not abort EXEC). */
  readonly expiredAtWatch: boolean;
}

export type ReplyMode = 'on' | 'off' | 'skip';

/** How long a closing connection may take to drain its last reply. */
const GRACEFUL_CLOSE_MS = 10_000;

export class Client implements Watcher {
  readonly id: number;
  readonly reply = new ReplyWriter();
  readonly decoder: RequestDecoder;
  /** Arguments of the command being executed (argv[0] is the name as sent). */
  argv: string[] = [];
  db: Database;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  /** Full name of the last command run (CLIENT LIST cmd=). */
  lastCommand = 'NULL';

  // Transactions
  inMulti = false;
  /** A command failed to queue: EXEC will abort with EXECABORT. */
  multiError = false;
  /** A WATCHed key was touched: EXEC will reply nil. */
  dirtyCas = false;
  multiQueue: QueuedCommand[] = [];
  watched: WatchedKey[] = [];

  // Per-call propagation requests, reset by the dispatcher before each call.
  propagateArgv: readonly string[] | null = null;
  propagationPrevented = false;
  propagationForced = false;

  replyMode: ReplyMode = 'on';
  /** CLIENT REPLY SKIP: the next command's reply is dropped. */
  skipNextReply = false;
  monitor = false;
  /** CLIENT NO-EVICT / NO-TOUCH flags. */
  noEvict = false;
  noTouch = false;
  /** Commands of this client being executed, nested (2 while EXEC runs a queued one). */
  callDepth = 0;
  /** The client is parked (paused, or blocked) and must not read further commands. */
  parked = false;
  /** What the client waits for while a blocking command holds it (see server/blocking.ts). */
  blocked: BlockedClient | null = null;
  /** The command being executed (set by call()). */
  currentCommand: Command | null = null;
  /** True while a blocked command runs again because a key it waits on changed. */
  servedAfterBlocking = false;
  /** The AOF loader's client: passes every gate, counted nowhere (Server.createInternalClient). */
  replaying = false;
  /** Set once QUIT or a protocol error asks the connection to close after the reply. */
  closeAfterReply = false;
  closed = false;
  /** Replies of this client are being held for the next before-sleep step. */
  pendingWrite = false;
  /** Set while the server re-runs a parked command (so a pause check does not re-park it). */
  pendingArgv: string[] | null = null;

  readonly remoteAddress: string;
  readonly localAddress: string;

  constructor(
    readonly server: Server,
    readonly socket: Socket | null,
  ) {
    this.id = server.nextClientId();
    this.db = server.keyspace.dbs[0]!;
    this.authenticated = !server.requiresAuth();
    const config = server.config;
    // Read per request header, so CONFIG SET proto-max-bulk-len applies to open connections.
    this.decoder = new RequestDecoder({
      get maxBulkLen() {
        return config.num('proto-max-bulk-len');
      },
      maxMultibulkLen: 2147483647,
      authRequired: () => !this.authenticated,
    });
    this.reply.onError = (code) => server.stats.countError(code);
    if (socket) {
      this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
      this.localAddress = formatAddress(socket.localAddress, socket.localPort);
    } else {
      this.remoteAddress = '';
      this.localAddress = '';
      this.reply.discard = true;
    }
  }

  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }

  // ---- propagation requests (see commands/propagation.ts) ------------------------------

  /** Log this call as `argv` instead of the received arguments (an absolute form). */
  propagateAs(argv: readonly string[]): void {
    this.propagateArgv = argv;
  }

  /** Do not log this call even though it changed the dataset (it logged other ops instead). */
  preventPropagation(): void {
    this.propagationPrevented = true;
  }

  /** Log this call even if it changed nothing (FLUSHDB on an empty database). */
  forcePropagation(): void {
    this.propagationForced = true;
  }

  /** Log an extra operation in this execution unit, in the current database. */
  alsoPropagate(argv: readonly string[]): void {
    this.server.propagation.add(this.db.id, argv);
  }

  // ---- blocking -------------------------------------------------------------------------

  /**
   * Whether the running command may block: not inside MULTI/EXEC (callDepth > 1) and not for
   * the socket-less AOF client. Otherwise a blocking command behaves as its non-blocking form.
   */
  canBlock(): boolean {
    return this.socket !== null && this.callDepth <= 1;
  }

  /** Parks this client until one of `req.keys` changes (the command then runs again) or the timeout. */
  block(req: BlockRequest): void {
    this.server.blocking.block(this, req);
  }

  /** Leaves MULTI, dropping the queued commands and every WATCH (DISCARD, EXEC, RESET). */
  discardTransaction(): void {
    this.inMulti = false;
    this.multiQueue = [];
    this.multiError = false;
    this.unwatchAll();
  }

  // ---- WATCH ------------------------------------------------------------------------------

  watchedKeyTouched(): void {
    this.dirtyCas = true;
  }

  unwatchAll(): void {
    for (const w of this.watched) this.server.keyspace.watches.unwatch(w.db, w.key, this);
    this.watched = [];
    this.dirtyCas = false;
  }

  // ---- input ------------------------------------------------------------------------------

  /** Bytes arrived from the socket. */
  onData(chunk: Buffer): void {
    if (this.closeAfterReply || this.closed) return;
    this.lastInteraction = Date.now();
    this.decoder.feed(chunk);
    const limit = this.server.config.num('client-query-buffer-limit');
    if (this.decoder.pendingBytes > limit) {
      this.server.logger.warning(`Closing client that reached max query buffer length: ${this.describe()} (qbuf initial bytes: ${JSON.stringify(chunk.subarray(0, 64).toString('latin1'))})`);
      this.close();
      return;
    }
    this.processInput();
  }

  /** Runs every complete command in the input, unless parked. */
  processInput(): void {
    this.server.startBatch();
    while (!this.parked && !this.closeAfterReply && !this.closed) {
      let argv: string[] | null;
      try {
        argv = this.decoder.next();
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        this.protocolError(err.message);
        break;
      }
      if (argv === null) break;
      this.server.executeRequest(this, argv);
    }
    if (this.reply.pending > 0 || this.closeAfterReply) this.server.markForWrite(this);
  }

  private protocolError(message: string): void {
    this.server.logger.verbose(`Protocol error (${message}) from client: ${this.describe()}`);
    this.reply.discard = false;
    this.reply.error(`ERR ${message}`);
    this.closeAfterReply = true;
  }

  /** Closes the connection now, dropping pending output. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.clientClosed(this);
    if (this.socket) this.socket.destroy();
  }

  /**
   * Closes after the output already handed to the socket is flushed (QUIT, protocol errors).
   * A peer that never reads cannot hold the socket forever: it is destroyed after a grace time.
   */
  closeGracefully(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.clientClosed(this);
    const socket = this.socket;
    if (socket === null) return;
    socket.end();
    setTimeout(() => socket.destroy(), GRACEFUL_CLOSE_MS).unref();
  }

  /** CLIENT LIST / INFO line for this client. */
  describe(): string {
    const now = Date.now();
    // Redis's order of flag letters (catClientInfoString).
    const flags =
      (this.monitor ? 'O' : '') +
        (this.inMulti ? 'x' : '') +
        (this.parked ? 'b' : '') +
        (this.dirtyCas ? 'd' : '') +
        (this.closeAfterReply ? 'c' : '') +
        (this.noEvict ? 'e' : '') +
        (this.noTouch ? 'T' : '') || 'N';
    // The arguments held: those of the command running (the caller of CLIENT LIST) or parked.
    const argv = this.callDepth > 0 ? this.argv : (this.pendingArgv ?? []);
    const fields = [
      `id=${this.id}`,
      `addr=${this.remoteAddress}`,
      `laddr=${this.localAddress}`,
      `fd=${(this.socket as unknown as { _handle?: { fd?: number } } | null)?._handle?.fd ?? -1}`,
      `name=${this.name}`,
      `age=${Math.floor((now - this.createdAt) / 1000)}`,
      `idle=${Math.floor((now - this.lastInteraction) / 1000)}`,
      `flags=${flags}`,
      `db=${this.db.id}`,
      `sub=0`,
      `psub=0`,
      `ssub=0`,
      `multi=${this.inMulti ? this.multiQueue.length : -1}`,
      `qbuf=${this.decoder.pendingBytes}`,
      `qbuf-free=0`,
      `argv-mem=${argv.reduce((n, a) => n + a.length, 0)}`,
      `multi-mem=0`,
      `rbs=16384`,
      `rbp=0`,
      `obl=${this.reply.pending}`,
      `oll=0`,
      `omem=0`,
      `tot-mem=${16384 + this.decoder.pendingBytes + this.reply.pending}`,
      `events=r${this.reply.pending > 0 ? 'w' : ''}`,
      `cmd=${this.lastCommand}`,
      `user=default`,
      `redir=-1`,
      `resp=${this.protocol}`,
      // Redis 7.2 fields, set by CLIENT SETINFO.
      `lib-name=${this.libName}`,
      `lib-ver=${this.libVer}`,
    ];
    return fields.join(' ');
  }
}

function formatAddress(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}
