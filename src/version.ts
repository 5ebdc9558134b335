// The Redis version nodis reports (clients and tools branch on it) and nodis's own.
export const REDIS_VERSION = '7.0.15';
export const NODIS_VERSION = '0.1.0';
