// COMMAND DOCS argument descriptions of the sorted-set commands shared by several of them or
// too long to sit beside their handlers, as Redis 7.0.15's src/commands/*.json give them.

import type { CommandArg, KeySpec } from './types.js';
import { KEY_ARG } from './keys-docs.js';

export const ZADD_ARGS = [
  KEY_ARG,
  {
    name: 'condition',
    type: 'oneof',
    since: '3.0.2',
    optional: true,
    arguments: [
      { name: 'nx', type: 'pure-token', token: 'NX' },
      { name: 'xx', type: 'pure-token', token: 'XX' },
    ],
  },
  {
    name: 'comparison',
    type: 'oneof',
    since: '6.2.0',
    optional: true,
    arguments: [
      { name: 'gt', type: 'pure-token', token: 'GT' },
      { name: 'lt', type: 'pure-token', token: 'LT' },
    ],
  },
  { name: 'change', type: 'pure-token', token: 'CH', since: '3.0.2', optional: true },
  { name: 'increment', type: 'pure-token', token: 'INCR', since: '3.0.2', optional: true },
  {
    name: 'score_member',
    type: 'block',
    multiple: true,
    arguments: [
      { name: 'score', type: 'double' },
      { name: 'member', type: 'string' },
    ],
  },
] as const satisfies readonly CommandArg[];

/** LIMIT offset count of the range commands. */
export const LIMIT_ARG = {
  name: 'offset_count',
  type: 'block',
  token: 'LIMIT',
  optional: true,
  arguments: [
    { name: 'offset', type: 'integer' },
    { name: 'count', type: 'integer' },
  ],
} as const satisfies CommandArg;

const WITHSCORES_ARG = { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true } as const satisfies CommandArg;

export const ZRANGE_ARGS = [
  KEY_ARG,
  { name: 'start', type: 'string' },
  { name: 'stop', type: 'string' },
  {
    name: 'sortby',
    type: 'oneof',
    since: '6.2.0',
    optional: true,
    arguments: [
      { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
      { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
    ],
  },
  { name: 'rev', type: 'pure-token', token: 'REV', since: '6.2.0', optional: true },
  { ...LIMIT_ARG, since: '6.2.0' },
  WITHSCORES_ARG,
] as const satisfies readonly CommandArg[];

export const ZRANGESTORE_ARGS = [
  { name: 'dst', type: 'key', keySpecIndex: 0 },
  { name: 'src', type: 'key', keySpecIndex: 1 },
  { name: 'min', type: 'string' },
  { name: 'max', type: 'string' },
  {
    name: 'sortby',
    type: 'oneof',
    optional: true,
    arguments: [
      { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
      { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
    ],
  },
  { name: 'rev', type: 'pure-token', token: 'REV', optional: true },
  LIMIT_ARG,
] as const satisfies readonly CommandArg[];

export const ZREVRANGE_ARGS = [KEY_ARG, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }, WITHSCORES_ARG] as const satisfies readonly CommandArg[];

export const ZRANGEBYSCORE_ARGS = [
  KEY_ARG,
  { name: 'min', type: 'double' },
  { name: 'max', type: 'double' },
  { ...WITHSCORES_ARG, since: '2.0.0' },
  LIMIT_ARG,
] as const satisfies readonly CommandArg[];

export const ZREVRANGEBYSCORE_ARGS = [
  KEY_ARG,
  { name: 'max', type: 'double' },
  { name: 'min', type: 'double' },
  WITHSCORES_ARG,
  LIMIT_ARG,
] as const satisfies readonly CommandArg[];

export const ZRANGEBYLEX_ARGS = [KEY_ARG, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }, LIMIT_ARG] as const satisfies readonly CommandArg[];

export const ZREVRANGEBYLEX_ARGS = [KEY_ARG, { name: 'max', type: 'string' }, { name: 'min', type: 'string' }, LIMIT_ARG] as const satisfies readonly CommandArg[];

/** key min max, with the bounds typed as Redis documents them. */
export function keyMinMax(type: 'double' | 'string'): readonly CommandArg[] {
  return [KEY_ARG, { name: 'min', type }, { name: 'max', type }];
}

export const WHERE_ARG = {
  name: 'where',
  type: 'oneof',
  arguments: [
    { name: 'min', type: 'pure-token', token: 'MIN' },
    { name: 'max', type: 'pure-token', token: 'MAX' },
  ],
} as const satisfies CommandArg;

const AGGREGATE_ARG = {
  name: 'aggregate',
  type: 'oneof',
  token: 'AGGREGATE',
  optional: true,
  arguments: [
    { name: 'sum', type: 'pure-token', token: 'SUM' },
    { name: 'min', type: 'pure-token', token: 'MIN' },
    { name: 'max', type: 'pure-token', token: 'MAX' },
  ],
} as const satisfies CommandArg;

const NUMKEYS_ARG = { name: 'numkeys', type: 'integer' } as const satisfies CommandArg;
const WEIGHT_ARG = { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true } as const satisfies CommandArg;

/** ZUNION / ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] */
export const ZUNION_ARGS = [NUMKEYS_ARG, { name: 'key', type: 'key', keySpecIndex: 0, multiple: true }, WEIGHT_ARG, AGGREGATE_ARG, WITHSCORES_ARG] as const satisfies readonly CommandArg[];

/** ZUNIONSTORE / ZINTERSTORE destination numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...] */
export const ZUNIONSTORE_ARGS = [
  { name: 'destination', type: 'key', keySpecIndex: 0 },
  NUMKEYS_ARG,
  { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
  WEIGHT_ARG,
  AGGREGATE_ARG,
] as const satisfies readonly CommandArg[];

export const ZINTERCARD_ARGS = [
  NUMKEYS_ARG,
  { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
  { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
] as const satisfies readonly CommandArg[];

export const ZDIFF_ARGS = [NUMKEYS_ARG, { name: 'key', type: 'key', keySpecIndex: 0, multiple: true }, WITHSCORES_ARG] as const satisfies readonly CommandArg[];

export const ZDIFFSTORE_ARGS = [
  { name: 'destination', type: 'key', keySpecIndex: 0 },
  NUMKEYS_ARG,
  { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
] as const satisfies readonly CommandArg[];

/** Keys counted by the argument at `index` (ZUNION, ZMPOP ...). */
export function keysCountedAt(index: number, flags: KeySpec['flags']): KeySpec {
  return { flags, beginSearch: { index }, findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } };
}

/** The destination key of the *STORE commands (argument 1, overwritten). */
export const DESTINATION_SPEC = {
  flags: ['OW', 'update'],
  beginSearch: { index: 1 },
  findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
} as const satisfies KeySpec;
