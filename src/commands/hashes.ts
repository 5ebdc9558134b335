import type { CommandSpec } from './types.js';

export const hashCommands = [] as const satisfies readonly CommandSpec[];
