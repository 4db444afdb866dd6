// The bridge contract over the in-memory transport, and the clock sync's arithmetic.
import { describe, expect, it } from 'vitest';
import { ClockSync } from './bridge.ts';
import { bridgeContractSuite } from './bridge.suite.ts';
import { MemoryNetwork } from './transport.ts';
import type { BridgeHost } from './bridge.ts';
import type { Disposable } from './events.ts';

bridgeContractSuite('memory', async () => {
  const network = new MemoryNetwork();
  let accepting: Disposable | undefined;
  return {
    transport: network.transport,
    async start(host: BridgeHost) {
      accepting?.dispose();
      accepting = network.onDidAccept((connection) => host.accept(connection, 'memory'));
      network.listening = true;
    },
    async crash() {
      network.listening = false;
      network.dropAll();
    },
    async dispose() {
      network.dropAll();
      accepting?.dispose();
    },
  };
});

describe('the clock sync', () => {
  it('takes the offset of the fastest recent round trip, so a burst answered late by a busy page does not skew it', () => {
    const clock = new ClockSync();
    // Server clock is 1 000 ms ahead. A busy page reads its pongs 400 ms late: offsets look 200 ms too small.
    for (let index = 0; index < 8; index++) clock.sample(10_000 + index, 11_000 + index + 2, 10_000 + index + 404);
    expect(clock.offset).toBeCloseTo(800, 0);
    // The next burst, a few seconds later, has quick round trips: it wins.
    for (let index = 0; index < 8; index++) clock.sample(13_000 + index, 14_000 + index + 2, 13_000 + index + 4);
    expect(clock.offset).toBeCloseTo(1_000, 0);
    expect(clock.roundTrip).toBe(4);
  });
});
