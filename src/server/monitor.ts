// MONITOR: every command executed is echoed to monitoring clients as
//   +<unix.micro> [<db> <ip:port>] "arg" "arg" ...
// with non-printable bytes escaped as \xNN (Redis's sdscatrepr).

import type { Client } from './client.js';
import type { Server } from './server.js';

export function feedMonitors(server: Server, c: Client): void {
  const now = Date.now();
  const micros = String(Math.floor((performance.timeOrigin + performance.now()) * 1000) % 1000000).padStart(6, '0');
  const who = c.socket === null ? 'lua' : c.remoteAddress;
  let line = `${Math.floor(now / 1000)}.${micros} [${c.db.id} ${who}]`;
  for (const a of c.argv) line += ` ${quoteRepr(a)}`;
  // A monitor sees its own commands too, as in Redis.
  for (const m of server.monitors) {
    if (m.closed) continue;
    m.reply.simple(line);
    server.markForWrite(m);
  }
}

/** Redis's sdscatrepr: a double-quoted string with C escapes. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    switch (ch) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += ch >= 0x20 && ch < 0x7f ? s[i] : `\\x${ch.toString(16).padStart(2, '0')}`;
    }
  }
  return out + '"';
}
