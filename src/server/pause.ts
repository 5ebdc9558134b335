// CLIENT PAUSE: holds the commands of normal clients (all of them, or those that may write)
// until CLIENT UNPAUSE or the pause's end. A held client is parked with its command; it runs
// again, in arrival order, after the current command — as Redis runs unblocked clients in
// beforeSleep.

import type { Client } from './client.js';
import type { Command } from '../commands/types.js';

export interface PauseState {
  mode: 'write' | 'all';
  until: number;
}

/** Timers cannot wait more than 2^31-1 ms: a longer pause re-arms until it is due. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ClientPause {
  state: PauseState | null = null;
  private parked: Client[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** `resume` re-runs a held command and then the rest of that client's input. */
  constructor(private readonly resume: (c: Client, argv: string[] | null) => void) {}

  get active(): boolean {
    return this.state !== null && Date.now() < this.state.until;
  }

  /** Clients held now (INFO does not count them as blocked). */
  get heldClients(): number {
    return this.parked.length;
  }

  /** Whether `cmd` from `c` must wait for the pause to end. */
  holds(cmd: Command, c: Client): boolean {
    // Replicas — and MONITOR clients, which Redis flags as replicas — are never paused.
    if (this.state === null || c.socket === null || c.monitor) return false;
    if (Date.now() >= this.state.until) {
      this.end();
      return false;
    }
    if (this.state.mode === 'all') return true;
    if (mayWrite(cmd)) return true;
    if (cmd.fullName === 'exec') return c.multiQueue.some((q) => mayWrite(q.cmd));
    return false;
  }

  start(mode: 'write' | 'all', ms: number): void {
    const until = Date.now() + ms;
    // A new pause never shortens or weakens an existing one (Redis keeps the stricter).
    if (this.state !== null && this.active) {
      this.state = { mode: this.state.mode === 'all' ? 'all' : mode, until: Math.max(until, this.state.until) };
    } else {
      this.state = { mode, until };
    }
    if (this.timer) clearTimeout(this.timer);
    this.arm();
  }

  private arm(): void {
    if (this.state === null) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, this.state.until - Date.now()));
    this.timer = setTimeout(() => {
      if (this.state !== null && Date.now() < this.state.until) this.arm();
      else this.end();
    }, delay);
    this.timer.unref();
  }

  park(c: Client, argv: string[]): void {
    c.parked = true;
    c.pendingArgv = argv;
    this.parked.push(c);
  }

  /** A parked client disconnected. */
  forget(c: Client): void {
    const i = this.parked.indexOf(c);
    if (i >= 0) this.parked.splice(i, 1);
  }

  /** Ends the pause and releases every held client after the current command. */
  end(): void {
    this.state = null;
    this.stopTimer();
    const parked = this.parked;
    this.parked = [];
    if (parked.length === 0) return;
    setImmediate(() => {
      for (const c of parked) {
        c.parked = false;
        const argv = c.pendingArgv;
        c.pendingArgv = null;
        if (!c.closed) this.resume(c, argv);
      }
    });
  }

  stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

function mayWrite(cmd: Command): boolean {
  return cmd.isWrite || cmd.spec.flags.includes('may_replicate');
}
