// The configuration parameters, as data: Redis 7.0.15's names, aliases, types, defaults,
// limits and flags (its src/config.c `static_configs`, checked against a real 7.0.15 server).
//
// `ignored: true` marks directives Redis has that nodis does not act on yet: they are accepted
// (config file, command line, CONFIG SET/GET/REWRITE) so existing redis.conf files load, and
// setting one is reported once in the log. The special types (save, bind, ...) are in
// config-special.ts.

import type { SpecialCodec } from './config-special.js';
import { SPECIAL } from './config-special.js';

export type ConfigType = 'bool' | 'int' | 'memory' | 'octal' | 'enum' | 'string' | 'special';

export interface ConfigParam {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly type: ConfigType;
  /** Default in its textual (redis.conf) form. */
  readonly default: string;
  /** CONFIG SET allowed (false: only in the config file / command line: "immutable"). */
  readonly mutable: boolean;
  /** Numeric limits (int, memory, octal). */
  readonly min?: bigint;
  readonly max?: bigint;
  /** Stored in an unsigned C type: limits are checked on the value as unsigned. */
  readonly unsigned?: boolean;
  /** memory: also accepts "N%" (stored as -N). */
  readonly percent?: boolean;
  /** enum: accepted names, lower-case; a name mapping to an earlier one's value is in `same`. */
  readonly values?: readonly string[];
  /** enum: names that are synonyms of another (oom-score-adj: relative is yes). */
  readonly same?: Readonly<Record<string, string>>;
  /** enum of bit flags (several names, space separated; the first name is the empty set). */
  readonly flags?: boolean;
  /** Takes several arguments in the config file; CONFIG SET splits its value on spaces. */
  readonly multiArg?: boolean;
  /** string: "" means unset (not written by CONFIG REWRITE). */
  readonly emptyIsNull?: boolean;
  /** CONFIG SET refused unless enable-protected-configs allows it. */
  readonly protected?: boolean;
  /** CONFIG SET refused while loading (-LOADING). */
  readonly denyLoading?: boolean;
  /** CONFIG SET's value is redacted from the slow log. */
  readonly sensitive?: boolean;
  /** Only an exact CONFIG GET name matches it, never a pattern. */
  readonly hidden?: boolean;
  /** Accepted but not acted upon yet. */
  readonly ignored?: boolean;
  /** Extra validation of a string value: an error text or null. */
  readonly validate?: (value: string) => string | null;
  /** Parsing, CONFIG GET form and rewriting of a special type. */
  readonly special?: SpecialCodec;
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const LLONG_MAX = LONG_MAX;
const SSIZE_MAX = LONG_MAX;
const ULLONG_MAX = 18446744073709551615n;
const MB = 1024n * 1024n;

/** Directives Redis 7.0 still accepts in a config file (exactly one argument) and ignores. */
export const DEPRECATED_DIRECTIVES: readonly string[] = ['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands'];

function bool(name: string, def: 'yes' | 'no', mutable: boolean, more: Partial<ConfigParam> = {}): ConfigParam {
  return { name, type: 'bool', default: def, mutable, ignored: true, ...more };
}

function int(name: string, min: bigint, max: bigint, def: string, mutable: boolean, more: Partial<ConfigParam> = {}): ConfigParam {
  return { name, type: 'int', default: def, mutable, min, max, ignored: true, ...more };
}

function mem(name: string, min: bigint, max: bigint, def: string, mutable: boolean, more: Partial<ConfigParam> = {}): ConfigParam {
  return { name, type: 'memory', default: def, mutable, min, max, ignored: true, ...more };
}

function str(name: string, def: string, mutable: boolean, more: Partial<ConfigParam> = {}): ConfigParam {
  return { name, type: 'string', default: def, mutable, ignored: true, ...more };
}

function enm(name: string, values: readonly string[], def: string, mutable: boolean, more: Partial<ConfigParam> = {}): ConfigParam {
  return { name, type: 'enum', default: def, mutable, values, ignored: true, ...more };
}

/** Acted on by nodis. */
const ACTIVE = { ignored: false } as const;
/** A string Redis stores as NULL when empty (default unset). */
const NULLABLE = { emptyIsNull: true } as const;

function pathIsBaseName(v: string): boolean {
  return !v.includes('/') && !v.includes('\\');
}

const PROTECTED_ACTION = ['no', 'yes', 'local'];
const SHUTDOWN_FLAGS = ['default', 'save', 'nosave', 'now', 'force'];

export const CONFIG_TABLE: readonly ConfigParam[] = [
  // ---- bool ----
  bool('rdbchecksum', 'yes', false),
  bool('daemonize', 'no', false),
  bool('io-threads-do-reads', 'no', false),
  bool('always-show-logo', 'no', false, ACTIVE),
  bool('protected-mode', 'yes', true, ACTIVE),
  bool('rdbcompression', 'yes', true),
  bool('rdb-del-sync-files', 'no', true),
  bool('activerehashing', 'yes', true),
  bool('stop-writes-on-bgsave-error', 'yes', true),
  bool('set-proc-title', 'yes', false),
  bool('dynamic-hz', 'yes', true),
  bool('lazyfree-lazy-eviction', 'no', true),
  bool('lazyfree-lazy-expire', 'no', true),
  bool('lazyfree-lazy-server-del', 'no', true),
  bool('lazyfree-lazy-user-del', 'no', true),
  bool('lazyfree-lazy-user-flush', 'no', true),
  bool('repl-disable-tcp-nodelay', 'no', true),
  bool('repl-diskless-sync', 'yes', true),
  bool('aof-rewrite-incremental-fsync', 'yes', true, ACTIVE),
  bool('no-appendfsync-on-rewrite', 'no', true, ACTIVE),
  bool('cluster-require-full-coverage', 'yes', true),
  bool('rdb-save-incremental-fsync', 'yes', true),
  bool('aof-load-truncated', 'yes', true, ACTIVE),
  bool('aof-use-rdb-preamble', 'yes', true, ACTIVE),
  bool('aof-timestamp-enabled', 'no', true, ACTIVE),
  bool('cluster-replica-no-failover', 'no', true, { aliases: ['cluster-slave-no-failover'] }),
  bool('replica-lazy-flush', 'no', true, { aliases: ['slave-lazy-flush'] }),
  bool('replica-serve-stale-data', 'yes', true, { aliases: ['slave-serve-stale-data'] }),
  bool('replica-read-only', 'yes', true, { aliases: ['slave-read-only'] }),
  bool('replica-ignore-maxmemory', 'yes', true, { aliases: ['slave-ignore-maxmemory'] }),
  bool('jemalloc-bg-thread', 'yes', true),
  bool('activedefrag', 'no', true),
  bool('syslog-enabled', 'no', false),
  bool('cluster-enabled', 'no', false),
  bool('appendonly', 'no', true, { ...ACTIVE, denyLoading: true }),
  bool('cluster-allow-reads-when-down', 'no', true),
  bool('cluster-allow-pubsubshard-when-down', 'yes', true),
  bool('crash-log-enabled', 'yes', true),
  bool('crash-memcheck-enabled', 'yes', true),
  bool('use-exit-on-panic', 'no', true, { hidden: true }),
  bool('disable-thp', 'yes', false),
  bool('cluster-allow-replica-migration', 'yes', true),
  bool('replica-announced', 'yes', true),
  bool('latency-tracking', 'yes', true),
  bool('aof-disable-auto-gc', 'no', true, ACTIVE),
  // nodis's own: `no` keeps one <dir>/<appendfilename> as Redis 3.2-6.2 (src/aof/classic.ts).
  bool('aof-multi-part', 'yes', false, ACTIVE),
  bool('replica-ignore-disk-write-errors', 'no', true),

  // ---- string ----
  str('aclfile', '', false),
  str('unixsocket', '', false, NULLABLE),
  str('pidfile', '', false, { ...NULLABLE, ...ACTIVE }),
  str('replica-announce-ip', '', true, { ...NULLABLE, aliases: ['slave-announce-ip'] }),
  str('masteruser', '', true, { ...NULLABLE, sensitive: true }),
  str('cluster-announce-ip', '', true, NULLABLE),
  str('cluster-config-file', 'nodes.conf', false),
  str('cluster-announce-hostname', '', true, {
    ...NULLABLE,
    validate: (v) => {
      if (v.length >= 256) return 'Hostnames must be less than 256 characters';
      return /^[A-Za-z0-9.-]*$/.test(v) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
    },
  }),
  str('syslog-ident', 'redis', false),
  str('dbfilename', 'dump.rdb', true, {
    protected: true,
    validate: (v) => (pathIsBaseName(v) ? null : "dbfilename can't be a path, just a filename"),
  }),
  str('appendfilename', 'appendonly.aof', false, {
    ...ACTIVE,
    validate: (v) => (v === '' ? "appendfilename can't be empty" : pathIsBaseName(v) ? null : "appendfilename can't be a path, just a filename"),
  }),
  str('appenddirname', 'appendonlydir', false, {
    ...ACTIVE,
    validate: (v) => (v === '' ? "appenddirname can't be empty" : pathIsBaseName(v) ? null : "appenddirname can't be a path, just a dirname"),
  }),
  str('server_cpulist', '', false, NULLABLE),
  str('bio_cpulist', '', false, NULLABLE),
  str('aof_rewrite_cpulist', '', false, NULLABLE),
  str('bgsave_cpulist', '', false, NULLABLE),
  str('ignore-warnings', '', true),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', true),
  str('bind-source-addr', '', true, NULLABLE),
  str('logfile', '', false, ACTIVE),
  str('masterauth', '', true, { ...NULLABLE, sensitive: true }),
  str('requirepass', '', true, { ...NULLABLE, sensitive: true, ...ACTIVE }),

  // ---- enum ----
  enm('supervised', ['upstart', 'systemd', 'auto', 'no'], 'no', false),
  enm('syslog-facility', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], 'local0', false),
  enm('repl-diskless-load', ['disabled', 'on-empty-db', 'swapdb'], 'disabled', true, { denyLoading: true }),
  enm('loglevel', ['debug', 'verbose', 'notice', 'warning'], 'notice', true, ACTIVE),
  enm(
    'maxmemory-policy',
    ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
    'noeviction',
    true,
    ACTIVE,
  ),
  enm('appendfsync', ['everysec', 'always', 'no'], 'everysec', true, ACTIVE),
  enm('oom-score-adj', ['no', 'yes', 'relative', 'absolute'], 'no', true, { same: { relative: 'yes' } }),
  enm('acl-pubsub-default', ['allchannels', 'resetchannels'], 'resetchannels', true),
  enm('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no', true),
  enm('enable-protected-configs', PROTECTED_ACTION, 'no', false, ACTIVE),
  enm('enable-debug-command', PROTECTED_ACTION, 'no', false, ACTIVE),
  enm('enable-module-command', PROTECTED_ACTION, 'no', false),
  enm('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint'], 'ip', true),
  enm('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas'], 'ignore', true),
  enm('shutdown-on-sigint', SHUTDOWN_FLAGS, 'default', true, { flags: true, multiArg: true }),
  enm('shutdown-on-sigterm', SHUTDOWN_FLAGS, 'default', true, { flags: true, multiArg: true }),

  // ---- integers ----
  int('databases', 1n, INT_MAX, '16', false, ACTIVE),
  int('port', 0n, 65535n, '6379', true, ACTIVE),
  int('io-threads', 1n, 128n, '1', false),
  int('auto-aof-rewrite-percentage', 0n, INT_MAX, '100', true, ACTIVE),
  int('cluster-replica-validity-factor', 0n, INT_MAX, '10', true, { aliases: ['cluster-slave-validity-factor'] }),
  int('list-max-listpack-size', INT_MIN, INT_MAX, '-2', true, { aliases: ['list-max-ziplist-size'] }),
  int('tcp-keepalive', 0n, INT_MAX, '300', true, ACTIVE),
  int('cluster-migration-barrier', 0n, INT_MAX, '1', true),
  int('active-defrag-cycle-min', 1n, 99n, '1', true),
  int('active-defrag-cycle-max', 1n, 99n, '25', true),
  int('active-defrag-threshold-lower', 0n, 1000n, '10', true),
  int('active-defrag-threshold-upper', 0n, 1000n, '100', true),
  int('lfu-log-factor', 0n, INT_MAX, '10', true),
  int('lfu-decay-time', 0n, INT_MAX, '1', true),
  int('replica-priority', 0n, INT_MAX, '100', true, { aliases: ['slave-priority'] }),
  int('repl-diskless-sync-delay', 0n, INT_MAX, '5', true),
  int('maxmemory-samples', 1n, INT_MAX, '5', true),
  int('maxmemory-eviction-tenacity', 0n, 100n, '10', true),
  int('timeout', 0n, INT_MAX, '0', true, ACTIVE),
  int('replica-announce-port', 0n, 65535n, '0', true, { aliases: ['slave-announce-port'] }),
  int('tcp-backlog', 0n, INT_MAX, '511', false, ACTIVE),
  int('cluster-port', 0n, 65535n, '0', false),
  int('cluster-announce-bus-port', 0n, 65535n, '0', true),
  int('cluster-announce-port', 0n, 65535n, '0', true),
  int('cluster-announce-tls-port', 0n, 65535n, '0', true),
  int('repl-timeout', 1n, INT_MAX, '60', true),
  int('repl-ping-replica-period', 1n, INT_MAX, '10', true, { aliases: ['repl-ping-slave-period'] }),
  int('list-compress-depth', 0n, INT_MAX, '0', true),
  int('rdb-key-save-delay', INT_MIN, INT_MAX, '0', true, { hidden: true, ignored: false }),
  int('key-load-delay', INT_MIN, INT_MAX, '0', true, { hidden: true, ...ACTIVE }),
  int('active-expire-effort', 1n, 10n, '1', true),
  int('hz', 0n, INT_MAX, '10', true, ACTIVE),
  int('min-replicas-to-write', 0n, INT_MAX, '0', true, { aliases: ['min-slaves-to-write'] }),
  int('min-replicas-max-lag', 0n, INT_MAX, '10', true, { aliases: ['min-slaves-max-lag'] }),
  int('watchdog-period', 0n, INT_MAX, '0', true, { hidden: true }),
  int('shutdown-timeout', 0n, INT_MAX, '10', true),
  int('repl-diskless-sync-max-replicas', 0n, INT_MAX, '0', true),
  int('maxclients', 1n, UINT_MAX, '10000', true, { unsigned: true, ...ACTIVE }),
  { name: 'unixsocketperm', type: 'octal', default: '0', mutable: false, min: 0n, max: 0o777n, unsigned: true, ignored: true },
  int('socket-mark-id', 0n, UINT_MAX, '0', false, { unsigned: true }),
  int('active-defrag-max-scan-fields', 1n, LONG_MAX, '1000', true),
  int('slowlog-max-len', 0n, LONG_MAX, '128', true, ACTIVE),
  int('acllog-max-len', 0n, LONG_MAX, '128', true),
  int('busy-reply-threshold', 0n, LONG_MAX, '5000', true, { aliases: ['lua-time-limit'] }),
  int('cluster-node-timeout', 0n, LLONG_MAX, '15000', true),
  int('slowlog-log-slower-than', -1n, LLONG_MAX, '10000', true, ACTIVE),
  int('latency-monitor-threshold', 0n, LLONG_MAX, '0', true),
  mem('proto-max-bulk-len', MB, LONG_MAX, '536870912', true, ACTIVE),
  int('stream-node-max-entries', 0n, LLONG_MAX, '100', true),
  mem('repl-backlog-size', 1n, LLONG_MAX, '1048576', true),
  mem('maxmemory', 0n, ULLONG_MAX, '0', true, { unsigned: true }),
  mem('cluster-link-sendbuf-limit', 0n, ULLONG_MAX, '0', true, { unsigned: true }),
  int('hash-max-listpack-entries', 0n, LONG_MAX, '512', true, { unsigned: true, aliases: ['hash-max-ziplist-entries'], ...ACTIVE }),
  int('set-max-intset-entries', 0n, LONG_MAX, '512', true, { unsigned: true, ...ACTIVE }),
  int('zset-max-listpack-entries', 0n, LONG_MAX, '128', true, { unsigned: true, aliases: ['zset-max-ziplist-entries'], ...ACTIVE }),
  mem('active-defrag-ignore-bytes', 1n, LLONG_MAX, '104857600', true, { unsigned: true }),
  mem('hash-max-listpack-value', 0n, LONG_MAX, '64', true, { unsigned: true, aliases: ['hash-max-ziplist-value'], ...ACTIVE }),
  mem('stream-node-max-bytes', 0n, LONG_MAX, '4096', true, { unsigned: true }),
  mem('zset-max-listpack-value', 0n, LONG_MAX, '64', true, { unsigned: true, aliases: ['zset-max-ziplist-value'], ...ACTIVE }),
  mem('hll-sparse-max-bytes', 0n, LONG_MAX, '3000', true, { unsigned: true }),
  int('tracking-table-max-keys', 0n, LONG_MAX, '1000000', true, { unsigned: true }),
  mem('client-query-buffer-limit', MB, LONG_MAX, '1073741824', true, { unsigned: true, ...ACTIVE }),
  mem('maxmemory-clients', -100n, SSIZE_MAX, '0', true, { percent: true }),
  int('repl-backlog-ttl', 0n, LONG_MAX, '3600', true),
  mem('auto-aof-rewrite-min-size', 0n, LLONG_MAX, '67108864', true, ACTIVE),
  int('loading-process-events-interval-bytes', 1024n, INT_MAX, '2097152', true, { hidden: true }),

  // ---- TLS (Redis built with TLS support, as Debian's is) ----
  int('tls-port', 0n, 65535n, '0', true),
  int('tls-session-cache-size', 0n, INT_MAX, '20480', true),
  int('tls-session-cache-timeout', 0n, INT_MAX, '300', true),
  bool('tls-cluster', 'no', true),
  bool('tls-replication', 'no', true),
  enm('tls-auth-clients', ['no', 'yes', 'optional'], 'yes', true),
  bool('tls-prefer-server-ciphers', 'no', true),
  bool('tls-session-caching', 'yes', true),
  str('tls-cert-file', '', true, NULLABLE),
  str('tls-key-file', '', true, NULLABLE),
  str('tls-key-file-pass', '', true, { ...NULLABLE, sensitive: true }),
  str('tls-client-cert-file', '', true, NULLABLE),
  str('tls-client-key-file', '', true, NULLABLE),
  str('tls-client-key-file-pass', '', true, { ...NULLABLE, sensitive: true }),
  str('tls-dh-params-file', '', true, NULLABLE),
  str('tls-ca-cert-file', '', true, NULLABLE),
  str('tls-ca-cert-dir', '', true, NULLABLE),
  str('tls-protocols', '', true, NULLABLE),
  str('tls-ciphers', '', true, NULLABLE),
  str('tls-ciphersuites', '', true, NULLABLE),

  // ---- special ----
  { name: 'dir', type: 'special', default: '.', mutable: true, protected: true, denyLoading: true, special: SPECIAL.dir },
  { name: 'save', type: 'special', default: '3600 1 300 100 60 10000', mutable: true, multiArg: true, ignored: true, special: SPECIAL.save },
  {
    name: 'client-output-buffer-limit',
    type: 'special',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    mutable: true,
    multiArg: true,
    ignored: true,
    special: SPECIAL.clientOutputBufferLimit,
  },
  { name: 'oom-score-adj-values', type: 'special', default: '0 200 800', mutable: true, multiArg: true, ignored: true, special: SPECIAL.oomScoreAdjValues },
  { name: 'notify-keyspace-events', type: 'special', default: '', mutable: true, ignored: true, special: SPECIAL.notifyKeyspaceEvents },
  // Redis's compiled default is "* -::*"; nodis defaults to its shipped redis.conf's loopback-only bind.
  { name: 'bind', type: 'special', default: '127.0.0.1 -::1', mutable: true, multiArg: true, special: SPECIAL.bind },
  { name: 'replicaof', aliases: ['slaveof'], type: 'special', default: 'no one', mutable: false, multiArg: true, ignored: true, special: SPECIAL.replicaof },
  {
    name: 'latency-tracking-info-percentiles',
    type: 'special',
    default: '50 99 99.9',
    mutable: true,
    multiArg: true,
    ignored: true,
    special: SPECIAL.latencyPercentiles,
  },
];
