// The HTTP and WebSocket server: the bridge contract over a real WebSocket, loopback-only Host and Origin checks, and its routes.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bridgeContractSuite, nextEvent } from '../../common/contract/bridge.suite.ts';
import { BridgeHost, webSocketTransport, type WebSocketLike } from '../../common/contract/index.ts';
import { Access } from './access.ts';
import { Authenticator } from './auth.ts';
import { startHttpServer, type RunningServer, type WallView } from './http-server.ts';
import { Identities } from './identities.ts';
import { StateStore } from './state-store.ts';

const silent = pino({ level: 'silent' });

function rendererDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-renderer-'));
  writeFileSync(path.join(directory, 'screen.html'), '<!doctype html><title>screen</title>');
  writeFileSync(path.join(directory, 'wall.html'), '<!doctype html><title>wall</title>');
  mkdirSync(path.join(directory, 'bundle'));
  writeFileSync(path.join(directory, 'bundle', 'screen.js'), 'console.log("screen")');
  return directory;
}

/** A loopback server's access: reads open, controls for the admin token. */
function loopbackAccess(): Access {
  const store = StateStore.open(mkdtempSync(path.join(tmpdir(), 'ioc-wall-state-')));
  return new Access(new Authenticator({ token: 'x'.repeat(40), actor: 'env:admin', source: 'test' }, new Identities(store)), { host: '127.0.0.1', secure: false });
}

const emptyWall: WallView = { describe: () => undefined, health: () => ({ status: 'ok' }), panelImage: () => undefined, screenIds: () => [] };

bridgeContractSuite('WebSocket', async () => {
  const directory = rendererDirectory();
  let server: RunningServer | undefined;
  let port = 0;
  return {
    transport: {
      connect: () => webSocketTransport(`ws://127.0.0.1:${port}/bridge`, (url) => new WebSocket(url) as unknown as WebSocketLike).connect(),
    },
    async start(host: BridgeHost) {
      server = await startHttpServer({ host: '127.0.0.1', port, rendererDirectory: directory, bridge: host, wall: emptyWall, logger: silent, access: loopbackAccess() });
      port = server.port;
    },
    async crash() {
      await server?.close();
      server = undefined;
    },
    async dispose() {
      await server?.close();
    },
  };
});

describe('the server', () => {
  let server: RunningServer;
  let bridge: BridgeHost;
  const image = path.join(mkdtempSync(path.join(tmpdir(), 'ioc-wall-image-')), 'outline.svg');
  writeFileSync(image, '<svg xmlns="http://www.w3.org/2000/svg"/>');

  beforeEach(async () => {
    bridge = new BridgeHost(Date.now);
    const wall: WallView = {
      ...emptyWall,
      health: () => ({ status: 'ok', screens: { expected: 2, connected: 0 } }),
      panelImage: (panel) => (panel === 'map_outline' ? image : undefined),
      screenIds: () => ['S01', 'S02'],
    };
    server = await startHttpServer({ host: '127.0.0.1', port: 0, rendererDirectory: rendererDirectory(), bridge, wall, logger: silent, access: loopbackAccess() });
  });
  afterEach(async () => {
    bridge.dispose();
    await server.close();
  });

  it('serves screen pages and the bundle under a strict Content-Security-Policy', async () => {
    const page = await fetch(`${server.url}/screen/S03`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe');
    expect(await page.text()).toContain('<title>screen</title>');
    const bundle = await fetch(`${server.url}/bundle/screen.js`);
    expect(bundle.status).toBe(200);
    await bundle.text();
    // Only the wall preview may be framed, and only by this server's own pages (the console).
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const preview = await fetch(`${server.url}/wall`);
    expect(preview.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(await preview.text()).toContain('<title>wall</title>');
  });

  it('answers /healthz and lists the screens on /', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok', screens: { expected: 2, connected: 0 } });
    const index = await (await fetch(`${server.url}/`)).text();
    expect(index).toContain('<a href="/screen/S01">S01</a>');
  });

  it('serves the image of an image panel, sandboxed, and nothing else from disk', async () => {
    const svg = await fetch(`${server.url}/panel-image/map_outline`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('content-security-policy')).toContain('sandbox');
    await svg.arrayBuffer();
    expect((await fetch(`${server.url}/panel-image/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    // fetch will not send a Host of our choosing; node:http will, as a rebinding page's browser would.
    const statusWithHost = (host: string) =>
      new Promise<number>((resolve, reject) =>
        request({ host: '127.0.0.1', port: server.port, path: '/healthz', headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end(),
      );
    expect(await statusWithHost(`evil.example:${server.port}`)).toBe(421);
    expect(await statusWithHost(`localhost:${server.port}`)).toBe(200);
  });

  it('refuses a bridge connection from a web page of another origin', async () => {
    const foreign = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, { origin: 'http://evil.example' });
    const refused = await new Promise<number>((resolve) => foreign.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
    expect(refused).toBe(403);
    const own = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, { origin: `http://localhost:${server.port}` });
    const connected = nextEvent(bridge.onDidConnect);
    await new Promise((resolve) => own.on('open', resolve));
    own.send(JSON.stringify({ type: 'hello', protocol: 1, screens: ['S01'], client: 'screen' }));
    expect((await connected).hello.screens).toEqual(['S01']);
    own.close();
  });
});
