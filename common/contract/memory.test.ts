// The bridge contract over the in-memory transport.
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
