import type { CommandSpec } from './types.js';

export const listCommands = [] as const satisfies readonly CommandSpec[];
