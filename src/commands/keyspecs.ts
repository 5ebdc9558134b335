// Key specs: where a command's keys are in its arguments (Redis 7.0's key_specs, from
// src/commands/*.json), used by COMMAND INFO/GETKEYS and anything else that must find keys
// (cluster routing, ACL key patterns). A spec says where the search begins (an argument index,
// or just after a keyword) and how the keys are found from there (a range, or a key count).
// Specs are declared on a CommandSpec (`keySpecs`), or derived from its `keys` range.

import type { Command, CommandSpec, KeyReference, KeySpec, KeySpecFlag } from './types.js';
import { parseInt64 } from '../resp/numbers.js';

/** The command's key specs: declared ones, or the single range spec its `keys` describe. */
export function keySpecsOf(spec: CommandSpec): readonly KeySpec[] {
  if (spec.keySpecs !== undefined) return spec.keySpecs;
  const k = spec.keys;
  if (k === undefined || k.first <= 0) return [];
  const flags: readonly KeySpecFlag[] =
    spec.keyFlags ?? (spec.flags.includes('write') ? ['RW', 'update'] : spec.flags.includes('readonly') ? ['RO', 'access'] : ['RO']);
  return [
    {
      flags,
      beginSearch: { index: k.first },
      findKeys: { lastKey: k.last < 0 ? k.last : k.last - k.first, keyStep: k.step, limit: 0 },
    },
  ];
}

export interface LegacyRange {
  first: number;
  last: number;
  step: number;
  movable: boolean;
}

/** (unsigned)a > (unsigned)b, as C compares the last-key positions. */
function maxUnsigned(a: number, b: number): number {
  if (a < 0 && b < 0) return Math.max(a, b);
  if (a < 0 || b < 0) return Math.min(a, b);
  return Math.max(a, b);
}

/**
 * populateCommandLegacyRangeSpec: the first/last/step COMMAND INFO prints, and whether the
 * keys are "movable" (not describable by that one range).
 */
export function legacyRange(specs: readonly KeySpec[]): LegacyRange {
  let movable = false;
  if (specs.length === 0) return { first: 0, last: 0, step: 0, movable };
  const only = specs[0]!;
  if (specs.length === 1 && 'index' in only.beginSearch && 'lastKey' in only.findKeys) {
    const first = only.beginSearch.index;
    const lastKey = only.findKeys.lastKey;
    return { first, last: lastKey >= 0 ? lastKey + first : lastKey, step: only.findKeys.keyStep, movable: only.flags.includes('incomplete') };
  }
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  for (const s of specs) {
    if (!('index' in s.beginSearch) || !('lastKey' in s.findKeys)) {
      movable = true;
      continue;
    }
    if (s.findKeys.keyStep !== 1 || (prevLast !== 0 && prevLast !== s.beginSearch.index - 1)) {
      movable = true;
      continue;
    }
    if (s.flags.includes('incomplete')) movable = true;
    first = Math.min(first, s.beginSearch.index);
    let lastAbs = s.findKeys.lastKey;
    if (lastAbs >= 0) lastAbs += s.beginSearch.index;
    last = maxUnsigned(last, lastAbs);
    prevLast = last;
  }
  if (first === Infinity) return { first: 0, last: 0, step: 0, movable: true };
  return { first, last, step: 1, movable };
}

/**
 * getKeysUsingKeySpecs: the keys of argv found through the specs, or null when an argument
 * the specs rely on is invalid (a bad key count, a range past the end).
 */
function keysFromSpecs(specs: readonly KeySpec[], argv: readonly string[]): KeyReference[] | null {
  const argc = argv.length;
  const keys: KeyReference[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    const bs = spec.beginSearch;
    // An unknown spec makes the whole search invalid: the command's getKeys decides.
    if ('unknown' in bs || 'unknown' in spec.findKeys) return null;
    if ('index' in bs) {
      first = bs.index;
    } else {
      const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
      const end = bs.startFrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toLowerCase() === bs.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword not found
    }
    let last: number;
    let step: number;
    const fk = spec.findKeys;
    if ('lastKey' in fk) {
      step = fk.keyStep;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit === 0) last = argc + fk.lastKey;
      else last = first + (Math.floor((argc - first) / fk.limit) + fk.lastKey);
    } else if ('keyNumIdx' in fk) {
      step = fk.keyStep;
      if (fk.keyNumIdx >= argc || first + fk.keyNumIdx >= argc) return null;
      const numkeys = parseInt64(argv[first + fk.keyNumIdx]!);
      if (numkeys === null || numkeys < 0 || typeof numkeys !== 'number') return null;
      first += fk.firstKey;
      last = first + numkeys - 1;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) keys.push({ pos: i, flags: spec.flags });
  }
  return keys;
}

/** getKeysFromCommandWithSpecs: specs first, the command's own key finder as the fallback. */
export function commandKeys(cmd: Command, argv: readonly string[]): readonly KeyReference[] {
  const spec = cmd.spec;
  const specs = keySpecsOf(spec);
  const hasKeySpec = specs.some((s) => !s.flags.includes('not_key'));
  // Redis asks the getkeys proc when a spec has variable flags; without one the specs still do.
  const varFlags = specs.some((s) => s.flags.includes('variable_flags')) && spec.getKeys !== undefined;
  if (hasKeySpec && !varFlags) {
    const keys = keysFromSpecs(specs, argv);
    if (keys !== null) return keys;
  }
  if (spec.getKeys !== undefined) return spec.getKeys(argv) ?? [];
  return [];
}

/** doesCommandHaveKeys: a key finder, or a spec for real keys. */
export function hasKeyArguments(cmd: Command): boolean {
  return cmd.spec.getKeys !== undefined || keySpecsOf(cmd.spec).some((s) => !s.flags.includes('not_key'));
}
