// Logs: JSON lines on standard error (standard output is kept for the one "listening" line scripts read).
import pino, { type Logger } from 'pino';

export function createLogger(level = process.env.IOC_WALL_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'ioc-wall' } }, pino.destination({ fd: 2, sync: true }));
}
