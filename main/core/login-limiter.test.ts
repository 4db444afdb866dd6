// Sign-in attempts: five failures lock the user name and the address for a while; a success clears the user's count.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from './login-limiter.ts';

const MINUTE = 60_000;

function limiter() {
  const clock = { now: 1_000_000 };
  return { clock, limiter: new LoginLimiter(() => clock.now) };
}

const keys = (user: string, address: string) => [`user:${user}`, `address:${address}`];

describe('LoginLimiter', () => {
  it('locks a user name after 5 failures, whatever address they come from', () => {
    const { limiter: limits } = limiter();
    for (let attempt = 1; attempt <= 4; attempt++) {
      limits.failed(keys('an', `10.0.0.${attempt}`));
      expect(limits.retryAfter(keys('an', '10.0.0.9'))).toBe(0);
    }
    limits.failed(keys('an', '10.0.0.5'));
    expect(limits.retryAfter(keys('an', '10.0.0.9'))).toBe(DEFAULT_LOGIN_LIMITS.lockMilliseconds);
    // Another user from a fresh address is not locked.
    expect(limits.retryAfter(keys('binh', '10.0.0.9'))).toBe(0);
  });

  it('locks an address that guesses 5 different names', () => {
    const { limiter: limits } = limiter();
    for (const name of ['an', 'binh', 'chi', 'dung', 'em']) limits.failed(keys(name, '192.168.1.66'));
    expect(limits.retryAfter(keys('giang', '192.168.1.66'))).toBe(15 * MINUTE);
    expect(limits.retryAfter(keys('giang', '192.168.1.67'))).toBe(0);
  });

  it('clears the user on success, but not the address', () => {
    const { limiter: limits } = limiter();
    for (let attempt = 0; attempt < 4; attempt++) limits.failed(keys('an', '10.0.0.1'));
    limits.succeeded('user:an');
    // The user starts again from zero: four more failures from elsewhere do not lock ...
    for (let attempt = 0; attempt < 4; attempt++) limits.failed(keys('an', '10.0.0.2'));
    expect(limits.retryAfter(keys('an', '10.0.0.3'))).toBe(0);
    // ... while the first address kept its four: one more failure, under any name, locks it.
    limits.failed(keys('binh', '10.0.0.1'));
    expect(limits.retryAfter(['address:10.0.0.1'])).toBe(15 * MINUTE);
  });

  it('ends the lock after the period, counting down meanwhile', () => {
    const { clock, limiter: limits } = limiter();
    for (let attempt = 0; attempt < 5; attempt++) limits.failed(keys('an', '10.0.0.1'));
    clock.now += 10 * MINUTE;
    expect(limits.retryAfter(keys('an', '10.0.0.2'))).toBe(5 * MINUTE);
    clock.now += 5 * MINUTE;
    expect(limits.retryAfter(keys('an', '10.0.0.1'))).toBe(0);
    // After the lock, the count starts from zero.
    limits.failed(keys('an', '10.0.0.1'));
    expect(limits.retryAfter(keys('an', '10.0.0.1'))).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { clock, limiter: limits } = limiter();
    for (let attempt = 0; attempt < 4; attempt++) limits.failed(keys('an', '10.0.0.1'));
    clock.now += 15 * MINUTE;
    limits.failed(keys('an', '10.0.0.1'));
    expect(limits.retryAfter(keys('an', '10.0.0.1'))).toBe(0);
  });

  it('takes other limits', () => {
    const clock = { now: 0 };
    const limits = new LoginLimiter(() => clock.now, { failures: 2, windowMilliseconds: MINUTE, lockMilliseconds: 30_000 });
    limits.failed(['user:an']);
    limits.failed(['user:an']);
    expect(limits.retryAfter(['user:an'])).toBe(30_000);
  });
});
