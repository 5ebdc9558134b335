import type { CommandSpec } from './types.js';

export const debugCommands = [] as const satisfies readonly CommandSpec[];
