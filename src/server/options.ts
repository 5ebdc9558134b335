// Applies name/value options (embedding API, command line) to a Config, with Redis's
// validation texts. Throws a ConfigError naming the option on failure.

import type { Config } from './config.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function applyOptions(config: Config, options: Record<string, string | number | boolean | readonly string[]>, origin: string): void {
  for (const [rawName, raw] of Object.entries(options)) {
    const name = rawName.toLowerCase();
    const p = config.param(name);
    if (p === undefined) throw new ConfigError(`${origin}: Bad directive or wrong number of arguments: '${rawName}'`);
    const text = typeof raw === 'boolean' ? (raw ? 'yes' : 'no') : typeof raw === 'number' ? String(raw) : raw;
    const v = config.parse(p, text as string | readonly string[]);
    if (typeof v === 'object' && !Array.isArray(v)) throw new ConfigError(`${origin}: '${rawName}': ${v.error}`);
    config.store(p.name, v);
  }
}
