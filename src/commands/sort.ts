import type { CommandSpec } from './types.js';

export const sortCommands = [] as const satisfies readonly CommandSpec[];
