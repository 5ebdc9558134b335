import type { CommandSpec } from './types.js';

export const configCommands = [] as const satisfies readonly CommandSpec[];
