// Logging in Redis's format:  <pid>:<role> <dd Mon yyyy hh:mm:ss.mmm> <level> <message>
// Levels: '.' debug, '-' verbose, '*' notice, '#' warning. `logfile ""` means stdout.

import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const LEVEL_CHAR = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface LogSink {
  write(line: string): void;
}

export class Logger {
  level: LogLevel = 'notice';
  /** '' = stdout; otherwise a file appended to line by line. */
  file = '';
  /** Role character: M master, C child (not used), S replica. */
  role = 'M';
  /** Extra sinks (tests capture the log through one). */
  readonly sinks: LogSink[] = [];

  enabled(level: LogLevel): boolean {
    return LEVEL_RANK[level] >= LEVEL_RANK[this.level];
  }

  log(level: Exclude<LogLevel, 'nothing'>, message: string): void {
    if (!this.enabled(level)) return;
    this.raw(`${process.pid}:${this.role} ${timestamp(new Date())} ${LEVEL_CHAR[LEVEL_RANK[level]]} ${message}`);
  }

  /** A line written as is (the ASCII-art logo). */
  raw(line: string): void {
    for (const s of this.sinks) s.write(line);
    if (this.file === '') process.stdout.write(line + '\n');
    else {
      try {
        appendFileSync(this.file, line + '\n');
      } catch {
        // Redis silently drops log lines it cannot write.
      }
    }
  }

  debug(m: string): void {
    this.log('debug', m);
  }
  verbose(m: string): void {
    this.log('verbose', m);
  }
  notice(m: string): void {
    this.log('notice', m);
  }
  warning(m: string): void {
    this.log('warning', m);
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** "21 Nov 2026 12:58:21.123" in local time, as Redis prints it. */
export function timestamp(d: Date): string {
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
