// The server: owns the configuration, keyspace, command table, clients and listeners of one
// instance (several may live in one process: nothing here is module-level state).
//
// Event-loop shape (Redis's beforeSleep ordering): every socket read in a loop turn runs its
// commands synchronously; replies accumulate in per-client buffers and the propagated
// operations in the AOF's buffer. One "before sleep" step per turn that did work — scheduled
// with setImmediate, which runs after the poll phase of the turn — first writes the AOF,
// then releases the replies (under appendfsync always the AOF holds them until durable).

import net from 'node:net';
import { Config, type ConfigValue } from './config.js';
import { Logger } from './logger.js';
import { ServerStats } from './stats.js';
import { Client } from './client.js';
import { SlowLog } from './slowlog.js';
import { Keyspace } from '../keyspace/keyspace.js';
import { ExpireCycle } from '../keyspace/expire-cycle.js';
import { CommandTable } from '../commands/table.js';
import { Propagator } from '../commands/propagation.js';
import { processCommand } from '../commands/dispatch.js';
import type { Command } from '../commands/types.js';
import { feedMonitors } from './monitor.js';
import { Aof } from '../aof/aof.js';
import type { PersistenceModule, ServerInternals } from './persistence.js';
import { PROTECTED_MODE_ERROR, describeErrno, isLoopback, normalizeBind } from './net-util.js';
import { ClientPause } from './pause.js';
import { BlockingManager } from './blocking.js';

export class Server {
  readonly config: Config;
  readonly logger = new Logger();
  readonly stats = new ServerStats();
  readonly keyspace: Keyspace;
  readonly commands = new CommandTable();
  readonly propagation = new Propagator();
  readonly expireCycle: ExpireCycle;
  readonly slowlog = new SlowLog();
  readonly clients = new Set<Client>();
  readonly monitors = new Set<Client>();
  /** Called once the server has shut down (the CLI exits the process). */
  onShutdown: (() => void) | null = null;
  /** Monotonic time (performance.now) at which the next command starts: see startBatch(). */
  clock = performance.now();
  /** Port actually listened on (resolves `port 0`). */
  port = 0;
  /** Unix time (seconds) of the last successful save (LASTSAVE). */
  lastSave = Math.floor(Date.now() / 1000);
  readonly runId: string;
  /** INFO replication's master_replid (random per start, like run_id). */
  readonly replId: string;
  /** The AOF: its hooks run before sleep, in cron, at shutdown, for MISCONF and INFO. */
  readonly persistence: PersistenceModule;
  /** True while EXEC runs its queued commands (server.in_exec: a rewrite is scheduled, not started). */
  inExec = false;
  /** Set once a fatal error stopped this server (Redis would have exited). */
  crashed = false;
  /** Called after a fatal error was logged (the CLI exits the process with status 1). */
  onFatal: (() => void) | null = null;
  /** Clients waiting in blocking commands. */
  readonly blocking = new BlockingManager(this);
  /** Clients released from a wait whose further input must still be processed. */
  private resumed: Client[] = [];
  /** CLIENT PAUSE state and the clients it holds. */
  readonly pause = new ClientPause((c, argv) => {
    this.startBatch();
    if (argv) this.executeRequest(c, argv);
    c.processInput();
  });
  /** The config file the server was started with ('' when none): CONFIG REWRITE target. */
  configFile = '';

  private listeners: net.Server[] = [];
  private clientIdSeq = 0;
  private pendingWrite: Client[] = [];
  private beforeSleepScheduled = false;
  private cron: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;

  constructor(config: Config = new Config(), internals: ServerInternals = {}) {
    this.config = config;
    this.persistence = new Aof(this, internals.aofFs);
    this.logger.level = config.str('loglevel') as Logger['level'];
    this.logger.file = config.str('logfile');
    this.keyspace = new Keyspace(config.num('databases'));
    this.keyspace.lfu = config.str('maxmemory-policy').endsWith('lfu');
    this.keyspace.onExpired = (db, key) => {
      if (this.propagation.hasListeners) this.propagation.add(db.id, ['DEL', key]);
    };
    this.expireCycle = new ExpireCycle(this.keyspace);
    this.runId = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
    this.replId = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Binds every configured address; rejects (after logging Redis's lines) if none can be bound. */
  async listen(): Promise<void> {
    const port = this.config.num('port');
    const binds = this.config.list('bind');
    try {
      this.listeners = await this.bindAll(port, binds);
      if (this.listeners.length === 0 && binds.length > 0) throw new Error('no address could be bound');
    } catch (err) {
      this.logger.warning(`Failed listening on port ${port} (tcp), aborting.`);
      throw err;
    }
    const first = this.listeners[0]?.address();
    this.port = first && typeof first === 'object' ? first.port : port;
    this.startCron();
  }

  private startCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.num('hz')));
    if (this.cron) clearInterval(this.cron);
    this.cron = setInterval(() => this.serverCron(), Math.floor(1000 / hz));
  }

  /** Re-arms the cron after CONFIG SET hz. */
  hzChanged(): void {
    if (this.cron) this.startCron();
  }

  /** serverCron: active expiry, rate sampling, idle client timeouts. */
  private serverCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.num('hz')));
    // Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: at most 25% of the cron period.
    // Each key it expires is its own execution unit: a bare DEL, as Redis logs it.
    if (!this.pause.active) {
      const t0 = performance.now();
      this.expireCycle.run(250 / hz);
      const spent = performance.now() - t0;
      this.stats.expireCycleMs += spent;
      if (spent >= 250 / hz) this.stats.expiredTimeCapReached++;
    }
    this.persistence.cron();
    this.stats.sample();
    const timeout = this.config.num('timeout');
    if (timeout > 0) {
      const now = Date.now();
      for (const c of this.clients) {
        if (!c.parked && !c.monitor && now - c.lastInteraction > timeout * 1000) {
          this.logger.verbose('Closing idle client');
          c.close();
        }
      }
    }
    if (this.pendingWrite.length > 0) this.scheduleBeforeSleep();
  }

  /** Stops listening, flushes, fsyncs and closes the AOF, disconnects every client, stops timers. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.cron) clearInterval(this.cron);
      this.cron = null;
      this.pause.stopTimer();
      if (!this.crashed) {
        this.runBeforeSleep();
        this.persistence.shutdown();
      }
      const closes = this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
      for (const c of [...this.clients]) c.close();
      await Promise.all(closes);
      this.listeners = [];
    })();
    return this.closing;
  }

  /**
   * SHUTDOWN / SIGTERM: log as Redis does, close, then run onShutdown.
   * Returns false if the shutdown was refused.
   */
  async shutdown(reason: 'user' | 'SIGTERM' | 'SIGINT', force = false): Promise<boolean> {
    if (reason === 'user') this.logger.warning('User requested shutdown...');
    else this.logger.warning(`Received ${reason} scheduling shutdown...`);
    if (!this.persistence.mayShutdown(force)) {
      this.logger.warning('Errors trying to shut down the server. Check the logs for more information.');
      return false;
    }
    this.runBeforeSleep();
    await this.close();
    this.logger.warning('Redis is now ready to exit, bye bye...');
    this.onShutdown?.();
    return true;
  }

  // ---- clients ------------------------------------------------------------------------------

  nextClientId(): number {
    return ++this.clientIdSeq;
  }

  requiresAuth(): boolean {
    return this.config.str('requirepass') !== '';
  }

  private accept(socket: net.Socket): void {
    if (this.clients.size >= this.config.num('maxclients')) {
      // As in Redis, a connection refused for maxclients is not counted as received.
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    this.stats.connectionsReceived++;
    if (this.config.bool('protected-mode') && !this.requiresAuth() && !isLoopback(socket.remoteAddress)) {
      this.stats.rejectedConnections++;
      socket.end(`-${PROTECTED_MODE_ERROR}\r\n`);
      return;
    }
    const tcpKeepAlive = this.config.num('tcp-keepalive');
    if (tcpKeepAlive > 0) socket.setKeepAlive(true, tcpKeepAlive * 1000);
    const client = new Client(this, socket);
    this.clients.add(client);
    socket.on('data', (chunk: Buffer) => {
      this.stats.netInputBytes += chunk.length;
      this.stats.readsProcessed++;
      client.onData(chunk);
    });
    socket.on('error', () => client.close());
    socket.on('close', () => client.close());
  }

  clientClosed(c: Client): void {
    this.clients.delete(c);
    this.monitors.delete(c);
    c.unwatchAll();
    c.reply.reset();
    if (c.parked) this.pause.forget(c);
    this.blocking.unblock(c, 'disconnected');
  }

  /**
   * A client released from a wait (served, timed out, unblocked): its pipelined input is
   * processed in the next before-sleep step, before replies are released (Redis's
   * processUnblockedClients).
   */
  resumeClient(c: Client): void {
    this.resumed.push(c);
    this.scheduleBeforeSleep();
  }

  /**
   * The socket-less client that replays the AOF: replies discarded, always authenticated,
   * past every gate, not counted in statistics, never blocking, nothing propagated.
   */
  createInternalClient(): Client {
    const c = new Client(this, null);
    c.replaying = true;
    c.authenticated = true;
    c.reply.onError = null;
    return c;
  }

  /**
   * A fatal error Redis would exit on: log its lines, drop every connection without sending
   * anything more (held replies included), stop listening. The CLI then exits with status 1.
   */
  crash(lines: readonly string[]): void {
    for (const line of lines) this.logger.warning(line);
    if (this.crashed) return;
    this.crashed = true;
    if (this.cron) clearInterval(this.cron);
    this.cron = null;
    this.pause.stopTimer();
    for (const l of this.listeners) l.close();
    this.listeners = [];
    for (const c of [...this.clients]) c.close();
    this.onFatal?.();
  }

  // ---- command execution -----------------------------------------------------------------

  /**
   * Starts a batch of commands (one socket read, a resumed client): the time the commands see
   * and the clock their durations are measured from. See call() in commands/dispatch.ts.
   */
  startBatch(): void {
    this.clock = performance.now();
    this.keyspace.time = Date.now();
  }

  executeRequest(c: Client, argv: string[]): void {
    processCommand(this, c, argv);
  }

  /** Gates after authentication: protected commands, then -MISCONF after an AOF write error. */
  denyReason(cmd: Command, c: Client): string | null {
    // Writes and PING are refused while the AOF cannot be written (an EXEC counts as a write
    // when it would run one), as Redis's writeCommandsDeniedByDiskError.
    if (cmd.isWrite || cmd.fullName === 'ping' || (cmd.fullName === 'exec' && c.multiQueue.some((q) => q.cmd.isWrite))) {
      const misconf = this.persistence.writeDeniedReason();
      if (misconf !== null) return misconf;
    }
    if (cmd.isProtected && !this.protectedActionAllowed('enable-debug-command', c)) {
      const name = cmd.spec.name.toUpperCase();
      return `ERR ${name} command not allowed. If the enable-${cmd.spec.name}-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;
    }
    return null;
  }

  /**
   * A protected action (enable-debug-command, enable-protected-configs): allowed with "yes",
   * or with "local" for a loopback or internal client.
   */
  protectedActionAllowed(configName: string, c: Client): boolean {
    const mode = this.config.str(configName);
    if (mode === 'yes') return true;
    if (mode !== 'local') return false;
    return c.socket === null || isLoopback(c.socket.remoteAddress);
  }

  /** After every executed command: slow log and MONITOR feed. */
  afterCall(c: Client, cmd: Command, micros: number): void {
    const threshold = this.config.num('slowlog-log-slower-than');
    if (threshold >= 0 && micros >= threshold && !cmd.skipSlowlog) {
      this.slowlog.add(c, micros, this.config.num('slowlog-max-len'));
    }
    if (this.monitors.size > 0 && !cmd.skipMonitor && !cmd.isAdmin) feedMonitors(this, c);
  }

  // ---- before sleep -------------------------------------------------------------------------

  /** Queues a client's replies for release at the end of this loop turn. */
  markForWrite(c: Client): void {
    if (!c.pendingWrite) {
      c.pendingWrite = true;
      this.pendingWrite.push(c);
    }
    this.scheduleBeforeSleep();
  }

  private scheduleBeforeSleep(): void {
    if (this.beforeSleepScheduled) return;
    this.beforeSleepScheduled = true;
    setImmediate(() => this.runBeforeSleep());
  }

  /** The before-sleep step: hooks (AOF flush) first, then every held reply is released. */
  runBeforeSleep(): void {
    this.beforeSleepScheduled = false;
    if (this.resumed.length > 0) {
      const resumed = this.resumed;
      this.resumed = [];
      for (const c of resumed) {
        if (c.closed || c.parked) continue;
        c.processInput();
      }
    }
    // The AOF write (and under always, the fsync start) happens before any reply leaves.
    this.persistence.beforeSleep();
    if (this.crashed) return;
    const clients = this.pendingWrite;
    this.pendingWrite = [];
    for (const c of clients) {
      c.pendingWrite = false;
      if (c.closed || c.socket === null) continue;
      const out = c.reply.pending > 0 ? c.reply.take() : null;
      // Under appendfsync always a reply waits for the fsync covering what it may show.
      if (this.persistence.holdReply(c, out, c.closeAfterReply)) continue;
      this.sendReply(c, out, c.closeAfterReply);
    }
  }

  /** Hands a client's reply bytes to its socket (then closes it if asked). */
  sendReply(c: Client, out: Buffer | null, close: boolean): void {
    if (c.closed || c.socket === null) return;
    if (out !== null) {
      this.stats.netOutputBytes += out.length;
      c.socket.write(out);
      this.stats.writesProcessed++;
    }
    if (close) c.closeGracefully();
  }

  // ---- configuration --------------------------------------------------------------------

  /** Applies a configuration change that needs more than storing the value. */
  /**
   * Called by CONFIG SET for each parameter whose value changed (`old` is the previous value).
   * Returns an error text to make CONFIG SET fail and roll back, or null.
   */
  applyConfig(name: string, value: ConfigValue, old?: ConfigValue): string | null {
    switch (name) {
      case 'appendonly':
      case 'aof-disable-auto-gc':
      case 'aof-timestamp-enabled':
        return this.persistence.applyConfig(name, value);
      case 'loglevel':
        this.logger.level = value as Logger['level'];
        return null;
      case 'hz': {
        // A hint: out-of-range values are accepted and clamped, as Redis's updateHZ().
        const hz = value as number;
        if (hz < 1 || hz > 500) this.config.store('hz', hz < 1 ? 1 : 500);
        this.hzChanged();
        return null;
      }
      case 'maxmemory-policy':
        this.keyspace.lfu = String(value).endsWith('lfu');
        return null;
      case 'port':
      case 'bind':
        // An empty address (CONFIG SET bind "a  b") can never be bound.
        if (name === 'bind' && (value as string[]).some((a) => a === '' || a === '-')) return 'Failed to bind to specified addresses.';
        if (this.listeners.length > 0) this.rebind(name, old);
        return null;
      default:
        return null;
    }
  }

  private rebinding: Promise<void> = Promise.resolve();

  /**
   * CONFIG SET port/bind, as Redis's changeListenPort/changeBindAddr: closes the listening
   * sockets and opens the new ones; if that fails, the old ones are opened again and the
   * parameter gets its old value back. Binding is asynchronous in Node, so CONFIG SET has
   * already replied: a failure is only logged.
   */
  private rebind(name: string, old: ConfigValue | undefined): void {
    const oldPort = this.port;
    const oldBinds = name === 'bind' && old !== undefined ? (old as string[]) : this.config.list('bind');
    this.rebinding = this.rebinding.then(async () => {
      for (const l of this.listeners) l.close();
      this.listeners = [];
      try {
        this.listeners = await this.bindAll(this.config.num('port') || oldPort, this.config.list('bind'));
      } catch {
        this.logger.warning(`Failed to bind, trying to restore old listening sockets.`);
        if (old !== undefined) this.config.store(name, old);
        this.listeners = await this.bindAll(oldPort, oldBinds).catch(() => []);
      }
      if (this.closing) {
        for (const l of this.listeners) l.close();
        this.listeners = [];
      }
      const first = this.listeners[0]?.address();
      if (first && typeof first === 'object') this.port = first.port;
    });
  }

  /**
   * Opens a listening socket per address ("-addr": skipped if the address does not exist
   * here), all on one port (the first one's, when asked for port 0). Logs Redis's line and
   * closes what it opened if an address cannot be bound.
   */
  private async bindAll(port: number, binds: readonly string[]): Promise<net.Server[]> {
    const opened: net.Server[] = [];
    for (const raw of binds) {
      const optional = raw.startsWith('-');
      const configured = optional ? raw.slice(1) : raw;
      const addr = normalizeBind(configured);
      const srv = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ host: addr, port, ipv6Only: addr.includes(':'), backlog: this.config.num('tcp-backlog') }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (optional && (e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT' || e.code === 'EPROTONOSUPPORT')) continue;
        this.logger.warning(`Warning: Could not create server TCP listening socket ${configured}:${port}: bind: ${describeErrno(e)}`);
        for (const l of opened) l.close();
        throw err;
      }
      if (port === 0) port = (srv.address() as net.AddressInfo).port;
      opened.push(srv);
    }
    return opened;
  }
}
