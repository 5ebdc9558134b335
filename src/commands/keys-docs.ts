// Documentation shared by the generic key commands (keys.ts, expire.ts, object.ts): argument
// descriptions, histories and tips as Redis 7.0's src/commands/*.json give them (COMMAND DOCS,
// COMMAND INFO, redis-cli hints).

import type { CommandArg, KeySpec, KeySpecFlag } from './types.js';

export const KEY_ARG = { name: 'key', type: 'key', keySpecIndex: 0 } as const satisfies CommandArg;
export const KEYS_ARG = { name: 'key', type: 'key', keySpecIndex: 0, multiple: true } as const satisfies CommandArg;
/** RENAME / RENAMENX key newkey. */
export const RENAME_ARGS = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'newkey', type: 'key', keySpecIndex: 1 },
] as const satisfies readonly CommandArg[];

/** A range spec for the single key at `index`. */
export function keyAt(index: number, flags: readonly KeySpecFlag[]): KeySpec {
  return { flags, beginSearch: { index }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } };
}

/** FLUSHDB / FLUSHALL [ASYNC | SYNC]. */
export const FLUSH_ARGS = [
  {
    name: 'async',
    type: 'oneof',
    optional: true,
    arguments: [
      { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
      { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
    ],
  },
] as const satisfies readonly CommandArg[];
export const FLUSH_HISTORY = [
  ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
  ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
] as const;

/** What a DEL-like command counts across cluster shards. */
export const MULTI_SHARD_SUM = ['request_policy:multi_shard', 'response_policy:agg_sum'] as const;

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
export const SCAN_ARGS = [
  { name: 'cursor', type: 'integer' },
  { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
  { name: 'count', type: 'integer', token: 'COUNT', optional: true },
  { name: 'type', type: 'string', token: 'TYPE', since: '6.0.0', optional: true },
] as const satisfies readonly CommandArg[];
