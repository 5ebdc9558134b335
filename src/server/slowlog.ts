// SLOWLOG: commands slower than slowlog-log-slower-than microseconds, newest first.

import type { Client } from './client.js';

export interface SlowLogEntry {
  readonly id: number;
  readonly time: number;
  readonly micros: number;
  readonly argv: readonly string[];
  readonly addr: string;
  readonly name: string;
}

/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const MAX_ARGC = 32;
const MAX_STRING = 128;

export class SlowLog {
  entries: SlowLogEntry[] = [];
  private nextId = 0;

  add(c: Client, micros: number, maxLen: number): void {
    const argc = Math.min(c.argv.length, MAX_ARGC);
    const argv: string[] = [];
    for (let i = 0; i < argc; i++) {
      if (argc !== c.argv.length && i === argc - 1) {
        argv.push(`... (${c.argv.length - argc + 1} more arguments)`);
        break;
      }
      const a = c.argv[i]!;
      argv.push(a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a);
    }
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), micros: Math.floor(micros), argv, addr: c.remoteAddress, name: c.name });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  reset(): void {
    this.entries = [];
  }
}
