// Test support shared by the drivers' real-server helpers: free loopback ports, whether a port accepts, and the rule for a missing system tool.
import net from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it; a race with another process is possible but rare). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` now. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The project's rule for system tools the tests need: missing in CI is an error with the install command; missing on a
 * developer's machine is a loud warning and the tests skip (`const toolIt = requireTool(...) ? it : it.skip;`).
 */
export function requireTool(available: boolean, hint: string, skipped: string): boolean {
  if (available) return true;
  if (process.env.CI) throw new Error(`${hint} (required in CI)`);
  console.warn(`\n!!!!! ${hint}\n!!!!! ${skipped} SKIPPED on this machine\n`);
  return false;
}
