// Configuration values: typed storage, parsing and validation with Redis's texts.
// The parameters themselves (names, types, defaults, limits) are data in config-table.ts.

import { CONFIG_TABLE, type ConfigParam } from './config-table.js';

export type ConfigValue = string | number | boolean | string[];

/** Parses Redis memory units: 1k=1000, 1kb=1024, m/mb, g/gb (case-insensitive). */
export function parseMemory(text: string): number | null {
  const m = /^(-?\d+)([kmg]b?|b)?$/i.exec(text);
  if (m === null) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mul: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };
  const v = n * mul[unit]!;
  return Number.isSafeInteger(v) ? v : null;
}

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  readonly params = new Map<string, ConfigParam>();

  constructor(table: readonly ConfigParam[] = CONFIG_TABLE) {
    for (const p of table) {
      this.params.set(p.name, p);
      for (const a of p.aliases ?? []) this.params.set(a, p);
      const v = this.parse(p, p.default);
      if (typeof v === 'object' && 'error' in v) throw new Error(`bad default for ${p.name}: ${v.error}`);
      this.values.set(p.name, v);
    }
  }

  param(name: string): ConfigParam | undefined {
    return this.params.get(name.toLowerCase());
  }

  num(name: string): number {
    return this.values.get(name) as number;
  }

  bool(name: string): boolean {
    return this.values.get(name) as boolean;
  }

  str(name: string): string {
    return this.values.get(name) as string;
  }

  list(name: string): string[] {
    return this.values.get(name) as string[];
  }

  get(name: string): ConfigValue | undefined {
    const p = this.param(name);
    return p ? this.values.get(p.name) : undefined;
  }

  /** Stores an already validated value. */
  store(name: string, value: ConfigValue): void {
    this.values.set(this.param(name)!.name, value);
  }

  /** Parses a textual value for `p`; returns the typed value or an error text. */
  parse(p: ConfigParam, text: string | readonly string[]): ConfigValue | { error: string } {
    const one = typeof text === 'string' ? text : text.join(' ');
    switch (p.type) {
      case 'bool': {
        const t = one.toLowerCase();
        if (t === 'yes') return true;
        if (t === 'no') return false;
        return { error: "argument must be 'yes' or 'no'" };
      }
      case 'int': {
        if (!/^-?\d+$/.test(one)) return { error: 'argument couldn\'t be parsed into an integer' };
        const n = Number(one);
        return this.checkRange(p, n);
      }
      case 'memory': {
        const n = parseMemory(one);
        if (n === null) return { error: 'argument must be a memory value' };
        return this.checkRange(p, n);
      }
      case 'enum': {
        const t = one.toLowerCase();
        if (!p.values!.includes(t)) return { error: `argument(s) must be one of the following: ${p.values!.join(', ')}` };
        return t;
      }
      case 'string':
        return one;
      case 'list':
        return typeof text === 'string' ? (text === '' ? [] : text.split(/\s+/)) : [...text];
    }
  }

  private checkRange(p: ConfigParam, n: number): ConfigValue | { error: string } {
    const min = p.min ?? -Infinity;
    const max = p.max ?? Infinity;
    if (n < min || n > max) return { error: `argument must be between ${p.min} and ${p.max} inclusive` };
    return n;
  }

  /** The textual form CONFIG GET and CONFIG REWRITE print. */
  format(name: string): string {
    const p = this.param(name)!;
    const v = this.values.get(p.name)!;
    if (p.format) return p.format(v);
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (Array.isArray(v)) return v.join(' ');
    return String(v);
  }

  /** Canonical parameter names (no aliases). */
  names(): string[] {
    return [...new Set([...this.params.values()].map((p) => p.name))];
  }
}
