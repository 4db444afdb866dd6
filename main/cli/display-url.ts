// `ioc-wall display-url <screen>`: makes a display token for one screen and prints the URL a display PC opens (the token rides in the fragment, which browsers never send).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, type CliOutput } from './io.ts';
import { DEFAULT_SERVER } from './scenes.ts';
import { checkScreenInLayout, createToken, tokenRequest } from './tokens.ts';
import { isoTime, LocalIdentities } from './users.ts';

/** The layout `serve` runs when given none (serve.ts DEFAULT_LAYOUT; not imported, as that would load the whole server). */
export const DEFAULT_LAYOUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../wall-layouts/ioc-province.yaml');

const USAGE = 'usage: ioc-wall display-url <screen> [--server <url>] [--expires <90d|12h>] [--layout <file>] [--data-dir <dir>]';

export interface DisplayUrlOptions {
  readonly dataDir?: string | undefined;
  readonly server?: string | undefined;
  readonly expires?: string | undefined;
  readonly layout?: string | undefined;
}

/** Hosts whose traffic never leaves this machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The server's URL, or a problem. */
function serverUrl(text: string): URL | string {
  let url;
  try {
    url = new URL(text);
  } catch {
    return `--server must be a URL such as http://127.0.0.1:7300, not '${text}'`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--server must be an http:// or https:// URL, not '${text}'`;
  if (url.username || url.password || url.search || url.hash) return `--server names the wall's address only (no user, query or fragment): '${text}'`;
  return url;
}

export async function displayUrlCommand(arguments_: readonly string[], options: DisplayUrlOptions, output: CliOutput, now: () => number = Date.now): Promise<number> {
  const usage = (problem?: string) => {
    output.err(problem ? `ioc-wall display-url: ${problem}\n${USAGE}` : USAGE);
    return ExitCode.usage;
  };
  const [screen, ...extra] = arguments_;
  if (screen === undefined) return usage('name the screen: ioc-wall display-url S01');
  if (extra.length > 0) return usage(`unexpected '${extra.join(' ')}'`);
  const server = serverUrl(options.server ?? DEFAULT_SERVER);
  if (typeof server === 'string') return usage(server);
  const request = tokenRequest({ role: 'display', screen, expires: options.expires });
  if (typeof request === 'string') return usage(request);

  const layout = path.resolve(options.layout ?? DEFAULT_LAYOUT);
  const notInLayout = await checkScreenInLayout(screen, layout);
  if (notInLayout) output.err(`ioc-wall display-url: warning: ${notInLayout}`);
  if (server.protocol === 'http:' && !isLoopback(server.hostname)) {
    output.err(`ioc-wall display-url: warning: ${server.origin} is plain http and not this machine: the token travels in clear on the LAN: serve with --tls-cert/--tls-key and use https://`);
  }

  const at = now();
  const local = await LocalIdentities.open('display-url', options.dataDir, output, () => at);
  if (!local) return ExitCode.usage;
  try {
    const { token, id, expiresAt } = await createToken(local, request);
    // A server behind a reverse proxy may live under a path: keep it, without its trailing slash.
    output.out(`${server.origin}${server.pathname.replace(/\/+$/, '')}/screen/${encodeURIComponent(screen)}#token=${token}`);
    const expiry = expiresAt === undefined ? 'no expiry' : `expires ${isoTime(expiresAt)}`;
    output.err(
      `ioc-wall display-url: created display token ${id} for screen ${screen} (${expiry}); the URL holds it and cannot be shown again: ` +
        `open it on the display PC of screen ${screen}. Revoke with: ioc-wall tokens revoke ${id}`,
    );
    return ExitCode.ok;
  } finally {
    local.dispose();
  }
}
