// Short-lived viewer tickets for the media gateway: main signs one per camera and renderer, the gateway checks it at connect.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Long enough for a renderer to connect after main hands the ticket out; a reconnect asks main for a new one. */
export const DEFAULT_TICKET_LIFETIME_MILLISECONDS = 60_000;

/** A key for signing tickets; main makes one per run and gives it to the gateway over IPC. */
export const TICKET_KEY_BYTES = 32;

function signature(key: Buffer, camera: string, expiresAt: number): Buffer {
  return createHmac('sha256', key).update(`${camera}\n${expiresAt}`).digest();
}

/** `<expiresAt>.<HMAC-SHA256 of "camera\nexpiresAt", base64url>`: safe in a URL query without escaping. */
export function signTicket(key: Buffer, camera: string, expiresAt: number): string {
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) throw new RangeError(`ticket expiry ${expiresAt} is not a whole epoch millisecond`);
  return `${expiresAt}.${signature(key, camera, expiresAt).toString('base64url')}`;
}

/** True when the ticket was signed with this key for this camera and has not expired at `now`. */
export function verifyTicket(key: Buffer, camera: string, ticket: string, now: number): boolean {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (!Number.isSafeInteger(expiresAt) || now >= expiresAt) return false;
  const given = Buffer.from(match[2]!, 'base64url');
  // The last of the 43 characters carries 2 unused bits: only the canonical spelling counts, so one ticket has one spelling.
  if (given.toString('base64url') !== match[2]) return false;
  const expected = signature(key, camera, expiresAt);
  // Constant time, so the check leaks nothing about how much of a forged signature was right.
  return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
}
