// The configuration parameters nodis knows, as data: Redis 7.0's names, types, defaults
// and limits. `ignored: true` marks directives Redis accepts that nodis does not act on
// yet: they are accepted (and reported once in the log) so existing redis.conf files load.

import type { ConfigValue } from './config.js';

export interface ConfigParam {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly type: 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'list';
  /** Default in its textual (redis.conf) form. */
  readonly default: string;
  /** CONFIG SET allowed (false: only in the config file / command line). */
  readonly mutable: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Allowed values of an enum, lower-case. */
  readonly values?: readonly string[];
  /** Accepted but not acted upon yet. */
  readonly ignored?: boolean;
  /** Custom CONFIG GET form. */
  readonly format?: (v: ConfigValue) => string;
}

const INT_MAX = 2147483647;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

export const CONFIG_TABLE: readonly ConfigParam[] = [
  // Network
  { name: 'port', type: 'int', default: '6379', mutable: true, min: 0, max: 65535 },
  { name: 'bind', type: 'list', default: '127.0.0.1 -::1', mutable: true },
  { name: 'protected-mode', type: 'bool', default: 'yes', mutable: true },
  { name: 'tcp-backlog', type: 'int', default: '511', mutable: false, min: 0, max: INT_MAX },
  { name: 'timeout', type: 'int', default: '0', mutable: true, min: 0, max: INT_MAX },
  { name: 'tcp-keepalive', type: 'int', default: '300', mutable: true, min: 0, max: INT_MAX },
  { name: 'maxclients', type: 'int', default: '10000', mutable: true, min: 1, max: INT_MAX },
  { name: 'requirepass', type: 'string', default: '', mutable: true },

  // General
  { name: 'databases', type: 'int', default: '16', mutable: false, min: 1, max: INT_MAX },
  { name: 'dir', type: 'string', default: '.', mutable: true },
  { name: 'logfile', type: 'string', default: '', mutable: false },
  { name: 'loglevel', type: 'enum', default: 'notice', mutable: true, values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'always-show-logo', type: 'bool', default: 'no', mutable: false },
  { name: 'hz', type: 'int', default: '10', mutable: true, min: 0, max: INT_MAX },
  { name: 'pidfile', type: 'string', default: '', mutable: false },
  { name: 'daemonize', type: 'bool', default: 'no', mutable: false, ignored: true },

  // Limits
  { name: 'proto-max-bulk-len', type: 'memory', default: '512mb', mutable: true, min: 1024 * 1024, max: LLONG_MAX },
  { name: 'client-query-buffer-limit', type: 'memory', default: '1gb', mutable: true, min: 1024 * 1024, max: LLONG_MAX },
  { name: 'maxmemory', type: 'memory', default: '0', mutable: true, min: 0, max: LLONG_MAX, ignored: true },
  {
    name: 'maxmemory-policy',
    type: 'enum',
    default: 'noeviction',
    mutable: true,
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },

  // Slow log
  { name: 'slowlog-log-slower-than', type: 'int', default: '10000', mutable: true, min: -1, max: LLONG_MAX },
  { name: 'slowlog-max-len', type: 'int', default: '128', mutable: true, min: 0, max: LLONG_MAX },

  // Persistence (acted on by the AOF issues; accepted now)
  { name: 'appendonly', type: 'bool', default: 'no', mutable: true, ignored: true },
  { name: 'appendfilename', type: 'string', default: 'appendonly.aof', mutable: false, ignored: true },
  { name: 'appenddirname', type: 'string', default: 'appendonlydir', mutable: false, ignored: true },
  { name: 'appendfsync', type: 'enum', default: 'everysec', mutable: true, values: ['always', 'everysec', 'no'], ignored: true },
  { name: 'save', type: 'list', default: '3600 1 300 100 60 10000', mutable: true, ignored: true },
  { name: 'dbfilename', type: 'string', default: 'dump.rdb', mutable: true, ignored: true },
];
