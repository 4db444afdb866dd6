// Viewer tickets: good for their camera until they expire, useless for another camera, with another key or once altered.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signTicket, TICKET_KEY_BYTES, verifyTicket } from './tickets.ts';

const key = randomBytes(TICKET_KEY_BYTES);
const now = 1_750_000_000_000;

describe('viewer tickets', () => {
  it('accepts a ticket for its camera until it expires', () => {
    const ticket = signTicket(key, 'cam-bridge-1', now + 60_000);
    expect(ticket).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyTicket(key, 'cam-bridge-1', ticket, now)).toBe(true);
    expect(verifyTicket(key, 'cam-bridge-1', ticket, now + 59_999)).toBe(true);
  });

  it('refuses it once expired', () => {
    const ticket = signTicket(key, 'cam-bridge-1', now + 60_000);
    expect(verifyTicket(key, 'cam-bridge-1', ticket, now + 60_000)).toBe(false);
    expect(verifyTicket(key, 'cam-bridge-1', ticket, now + 3_600_000)).toBe(false);
  });

  it('refuses it for another camera or with another key', () => {
    const ticket = signTicket(key, 'cam-bridge-1', now + 60_000);
    expect(verifyTicket(key, 'cam-bridge-2', ticket, now)).toBe(false);
    expect(verifyTicket(randomBytes(TICKET_KEY_BYTES), 'cam-bridge-1', ticket, now)).toBe(false);
  });

  it('refuses a tampered ticket: a later expiry, a changed signature, garbage', () => {
    const ticket = signTicket(key, 'cam-bridge-1', now + 60_000);
    const [expiresAt, mac] = ticket.split('.') as [string, string];
    expect(verifyTicket(key, 'cam-bridge-1', `${Number(expiresAt) + 3_600_000}.${mac}`, now)).toBe(false);
    const flipped = `${expiresAt}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect(verifyTicket(key, 'cam-bridge-1', flipped, now)).toBe(false);
    expect(verifyTicket(key, 'cam-bridge-1', `${expiresAt}.${mac.slice(1)}`, now)).toBe(false);
    // Any change of the last character is refused, also one that touches only its 2 unused bits (same signature bytes).
    for (const last of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
      if (last !== mac.at(-1)) expect(verifyTicket(key, 'cam-bridge-1', `${expiresAt}.${mac.slice(0, -1)}${last}`, now)).toBe(false);
    }
    for (const garbage of ['', '.', 'abc', `${expiresAt}`, `-1.${mac}`, `${expiresAt}.${mac}=`]) {
      expect(verifyTicket(key, 'cam-bridge-1', garbage, now)).toBe(false);
    }
  });

  it('will not sign an expiry that is not a whole epoch millisecond', () => {
    for (const expiresAt of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY]) expect(() => signTicket(key, 'cam-bridge-1', expiresAt)).toThrow(RangeError);
  });
});
