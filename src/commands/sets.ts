import type { CommandSpec } from './types.js';

export const setCommands = [] as const satisfies readonly CommandSpec[];
