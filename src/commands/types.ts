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
  | 'allow_busy'
  | 'no_async_loading'
  | 'asking'
  /** Hidden from COMMAND INFO, as in Redis: gated by enable-debug-command / enable-module-command. */
  | 'protected';

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
  | 'admin'
  | 'dangerous'
  | 'scripting'
  | 'pubsub'
  | 'hyperloglog'
  | 'geo'
  | 'stream';

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
  | 'pubsub'
  | 'scripting'
  | 'hyperloglog'
  | 'geo'
  | 'stream'
  | 'cluster';

/**
 * Redis 7.0's key-spec flags (COMMAND INFO / GETKEYSANDFLAGS). Exactly one of RO, RW, OW, RM
 * says what happens to the key; access/update/insert/delete refine it.
 */
export type KeySpecFlag =
  | 'RO'
  | 'RW'
  | 'OW'
  | 'RM'
  | 'access'
  | 'update'
  | 'insert'
  | 'delete'
  | 'not_key'
  | 'incomplete'
  | 'variable_flags';

/**
 * One key specification, as in Redis's src/commands/*.json: where the search for keys begins
 * (an argument index, or just after a keyword searched from `startFrom`; negative = from the
 * end, backwards) and how the keys are found from there (a range: `lastKey` relative to the
 * beginning, negative = from the end; or a count argument `keyNumIdx` followed, `firstKey`
 * arguments later, by that many keys).
 */
export interface KeySpec {
  readonly notes?: string;
  readonly flags: readonly KeySpecFlag[];
  readonly beginSearch:
    | { readonly index: number }
    | { readonly keyword: string; readonly startFrom: number }
    /** Redis's "unknown" (SORT's BY/GET/STORE keys): only the command's getKeys finds them. */
    | { readonly unknown: true };
  readonly findKeys:
    | { readonly lastKey: number; readonly keyStep: number; readonly limit: number }
    | { readonly keyNumIdx: number; readonly firstKey: number; readonly keyStep: number }
    | { readonly unknown: true };
}

/** A key found in a command's arguments (COMMAND GETKEYS / GETKEYSANDFLAGS). */
export interface KeyReference {
  /** Index in argv (0 = the command name). */
  readonly pos: number;
  readonly flags: readonly KeySpecFlag[];
}

/** Argument types of COMMAND DOCS. */
export type CommandArgType =
  | 'string'
  | 'integer'
  | 'double'
  | 'key'
  | 'pattern'
  | 'unix-time'
  | 'pure-token'
  | 'oneof'
  | 'block';

/** One argument of a command, as COMMAND DOCS (and redis-cli's hints) describe it. */
export interface CommandArg {
  readonly name: string;
  readonly type: CommandArgType;
  /** For type 'key': which of the command's key specs covers it. */
  readonly keySpecIndex?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecatedSince?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly multipleToken?: boolean;
  /** The alternatives of a 'oneof', the parts of a 'block'. */
  readonly arguments?: readonly CommandArg[];
}

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
  /**
   * Flags of the single key spec derived from `keys` (COMMAND INFO). Default: RO+access for
   * readonly commands, RW+update for write commands, RO otherwise.
   */
  readonly keyFlags?: readonly KeySpecFlag[];
  /**
   * Full key specs, for commands one range cannot describe (several specs with different
   * flags, keywords, a key count). When present they win over `keys` for COMMAND INFO and
   * GETKEYS; the legacy first/last/step are then derived from them as Redis does.
   */
  readonly keySpecs?: readonly KeySpec[];
  /**
   * Redis's getkeys_proc: finds the keys when the specs cannot (or, with a 'variable_flags'
   * spec, to report the flags that depend on the arguments). Returns null when the
   * arguments are invalid.
   */
  readonly getKeys?: (argv: readonly string[]) => readonly KeyReference[] | null;
  /** Documentation (COMMAND DOCS). */
  readonly arguments?: readonly CommandArg[];
  /** [version, change] pairs, oldest first. */
  readonly history?: readonly (readonly [string, string])[];
  readonly docFlags?: readonly ('deprecated' | 'syscmd')[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  /** Command tips ("nondeterministic_output", "request_policy:all_shards", ...). */
  readonly tips?: readonly string[];
  /**
   * Redis's hidden CMD_TOUCHES_ARBITRARY_KEYS (not shown by COMMAND INFO): the command may
   * lazily expire keys not named in argv (SCAN, RANDOMKEY); run directly, the DELs it causes
   * are logged bare rather than wrapped in MULTI/EXEC.
   */
  readonly touchesArbitraryKeys?: boolean;
  /** Container commands (CONFIG, CLIENT, ...) dispatch on argv[1]. */
  readonly subcommands?: readonly CommandSpec[];
  /**
   * Runs the command against the client's current state. Absent for containers, except one
   * that also runs without a subcommand (plain COMMAND).
   */
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
  /** Refused unless enable-debug-command allows it (DEBUG; MODULE in Redis). */
  readonly isProtected: boolean;
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
    this.isProtected = f.has('protected');
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
