// The MQTT broker `serve` starts when a layout names none: aedes on a loopback TCP port, without authentication, so it never listens beyond this machine.
import net from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBrokerOptions {
  /** A loopback address (127.x.x.x, ::1 or localhost): the broker has no authentication. */
  readonly host?: string;
  /** 0 takes a free port. */
  readonly port: number;
}

export interface EmbeddedBroker {
  /** mqtt://host:port */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stops listening, drops every client and closes aedes; resolves when all of it is done. */
  close(): Promise<void>;
}

export class BrokerPortTakenError extends Error {
  override readonly name = 'BrokerPortTakenError';

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `port ${port} on ${host} is in use (another MQTT broker?): pass --broker-port 0 to take a free port, or name your broker in the layout's sources.telemetry.brokers`,
    );
  }
}

export class NonLoopbackHostError extends Error {
  override readonly name = 'NonLoopbackHostError';

  constructor(readonly host: string) {
    super(`the embedded MQTT broker has no authentication and listens on loopback only (127.0.0.1, ::1, localhost), not on '${host}': name a real broker in the layout's sources.telemetry.brokers to reach other machines`);
  }
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  const ipv4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return net.isIPv4(ipv4) && ipv4.startsWith('127.');
}

export async function startEmbeddedBroker({ host = '127.0.0.1', port }: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  if (!isLoopbackHost(host)) throw new NonLoopbackHostError(host);
  // aedes 1.x: the default export only throws a migration notice; createBroker() sets up persistence and heartbeats.
  const aedes = await Aedes.createBroker();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => aedes.close(resolve));
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new BrokerPortTakenError(host, port);
    throw error;
  }
  // Past listen, a server error (rare: e.g. EMFILE on accept) must not crash the wall; aedes reports client errors as events.
  server.on('error', () => undefined);
  const address = server.address() as net.AddressInfo;
  const urlHost = net.isIPv6(host) ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${urlHost}:${address.port}`,
    port: address.port,
    host,
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => aedes.close(resolve));
        // aedes closes the clients it knows; a socket still in its CONNECT handshake is not one of them yet.
        for (const socket of sockets) socket.destroy();
        await serverClosed;
      })();
      return closing;
    },
  };
}
