// The command table is data. Each command is one small object checked by the compiler
// (`satisfies CommandSpec`): its name, arity (negative = at least), flags, key positions,
// ACL categories, documentation fields and handler. COMMAND INFO/DOCS/COUNT/LIST are
// derived from these objects; the dispatcher reads arity and flags from them.

import type { Client } from '../server/client.js';

/** Redis 7.0's command flags, as COMMAND INFO lists them. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_multi'
  | 'allow_busy';

/** ACL categories given explicitly; @read/@write/@fast/@slow/@admin/@dangerous/@blocking/@pubsub derive from flags. */
export type AclCategory =
  | 'keyspace'
  | 'string'
  | 'list'
  | 'hash'
  | 'set'
  | 'sortedset'
  | 'bitmap'
  | 'connection'
  | 'transaction'
  | 'server'
  | 'dangerous'
  | 'scripting'
  | 'pubsub';

export type CommandGroup =
  | 'generic'
  | 'string'
  | 'list'
  | 'hash'
  | 'set'
  | 'sorted-set'
  | 'bitmap'
  | 'connection'
  | 'transactions'
  | 'server'
  | 'pubsub';

export interface CommandSpec {
  /** Lower-case name; for a subcommand, the subcommand alone ("get" of CONFIG GET). */
  readonly name: string;
  /** Exact argc including the name if positive; at least -arity if negative. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** First and last key argument and the step between keys (last -1 = up to the end). */
  readonly keys?: { readonly first: number; readonly last: number; readonly step: number };
  readonly categories?: readonly AclCategory[];
  readonly group: CommandGroup;
  readonly since: string;
  readonly summary: string;
  readonly complexity?: string;
  /** Container commands (CONFIG, CLIENT, ...) dispatch on argv[1]. */
  readonly subcommands?: readonly CommandSpec[];
  /** Runs the command against the client's current state; absent for containers. */
  readonly handler?: (c: Client) => void;
}

/** Runtime form of a spec: lookup-ready, with its statistics (INFO commandstats). */
export class Command {
  /** "get", or "config|get" for a subcommand (as Redis names them in errors and stats). */
  readonly fullName: string;
  readonly isWrite: boolean;
  readonly isReadonly: boolean;
  readonly isFast: boolean;
  readonly allowedWhileLoading: boolean;
  readonly noAuth: boolean;
  readonly noMulti: boolean;
  readonly isAdmin: boolean;
  readonly skipMonitor: boolean;
  readonly skipSlowlog: boolean;
  readonly denyOom: boolean;
  readonly subcommands: Map<string, Command> | null;
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;

  constructor(
    readonly spec: CommandSpec,
    readonly parent: Command | null = null,
  ) {
    this.fullName = parent ? `${parent.spec.name}|${spec.name}` : spec.name;
    const f = new Set(spec.flags);
    this.isWrite = f.has('write');
    this.isReadonly = f.has('readonly');
    this.isFast = f.has('fast');
    this.allowedWhileLoading = f.has('loading');
    this.noAuth = f.has('no_auth');
    this.noMulti = f.has('no_multi');
    this.isAdmin = f.has('admin');
    this.skipMonitor = f.has('skip_monitor');
    this.skipSlowlog = f.has('skip_slowlog');
    this.denyOom = f.has('denyoom');
    if (spec.subcommands) {
      this.subcommands = new Map();
      for (const sub of spec.subcommands) this.subcommands.set(sub.name, new Command(sub, this));
    } else {
      this.subcommands = null;
    }
  }

  get name(): string {
    return this.spec.name;
  }

  get arity(): number {
    return this.spec.arity;
  }

  arityOk(argc: number): boolean {
    const a = this.spec.arity;
    return a > 0 ? argc === a : argc >= -a;
  }

  /** ACL categories: explicit ones plus those Redis derives from flags. */
  aclCategories(): string[] {
    const cats = new Set<string>();
    const f = new Set(this.spec.flags);
    if (f.has('write')) cats.add('@write');
    if (f.has('readonly') && !(this.spec.categories ?? []).includes('scripting')) cats.add('@read');
    if (f.has('admin')) {
      cats.add('@admin');
      cats.add('@dangerous');
    }
    if (f.has('pubsub')) cats.add('@pubsub');
    if (f.has('fast')) cats.add('@fast');
    if (f.has('blocking')) cats.add('@blocking');
    if (!f.has('fast')) cats.add('@slow');
    for (const c of this.spec.categories ?? []) cats.add(`@${c}`);
    return [...cats];
  }

  resetStats(): void {
    this.calls = this.usec = this.rejectedCalls = this.failedCalls = 0;
    if (this.subcommands) for (const s of this.subcommands.values()) s.resetStats();
  }
}
