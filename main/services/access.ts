// Who may reach what over HTTP: the Host and Origin checks, the caller's principal, the least role of each action, CSRF, and cutting off sockets whose credentials ended.
import os from 'node:os';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { allows, DISPLAY_ROLE, LEAST_ROLE, type Action, type ApiError, type Disposable } from '../../common/contract/index.ts';
import type { Authenticator } from './auth.ts';
import type { Principal } from './identities.ts';
import { csrfMatches } from './identities.ts';

export const SESSION_COOKIE = 'ioc_wall_session';
export const CSRF_HEADER = 'x-csrf-token';
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'] as const;
/** A display's cookie lasts about as long as its session (the token's validity is checked on every use anyway). */
const PERSISTENT_COOKIE_SECONDS = 400 * 24 * 60 * 60;

export const isLoopbackHost = (host: string): boolean => (LOOPBACK_HOSTS as readonly string[]).includes(host.replace(/^\[|\]$/g, '')) || /^127\./.test(host);

/** The value of one cookie of a request. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The host name of a Host header (brackets of an IPv6 address removed), without the port. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header);
  return match?.[1]?.replace(/^\[|\]$/g, '').toLowerCase();
}

export interface AccessOptions {
  /** The address the server is bound to. Off loopback every request needs a principal. */
  readonly host: string;
  /** HTTPS: cookies are marked Secure and origins are https://. */
  readonly secure: boolean;
  /** More names the server answers to (a DNS name of the wall PC). */
  readonly extraHosts?: readonly string[];
}

export interface Caller {
  readonly principal: Principal;
  /** Came with the session cookie (ambient credentials): state changes need the CSRF header and our own Origin. */
  readonly viaCookie: boolean;
  readonly csrfHash?: string;
}

interface TrackedSocket {
  readonly principal: Principal;
  readonly close: () => void;
}

export class Access {
  /** Off loopback: reading anything but the page shells needs a principal too. */
  readonly lan: boolean;
  private readonly hosts: ReadonlySet<string>;
  private readonly sockets = new Set<TrackedSocket>();

  constructor(
    private readonly authenticator: Authenticator,
    private readonly options: AccessOptions,
  ) {
    this.lan = !isLoopbackHost(options.host);
    // Answering only to names of this machine keeps DNS rebinding out even when bound to every address.
    const names = new Set<string>([...LOOPBACK_HOSTS, options.host.toLowerCase(), ...(options.extraHosts ?? []).map((name) => name.toLowerCase())]);
    if (this.lan) {
      names.add(os.hostname().toLowerCase());
      for (const addresses of Object.values(os.networkInterfaces())) for (const address of addresses ?? []) names.add(address.address.toLowerCase());
    }
    this.hosts = names;
  }

  /** Every origin a page of this server can have: the gateway accepts media sockets from these only. */
  origins(port: number): string[] {
    const scheme = this.options.secure ? 'https' : 'http';
    return [...this.hosts].map((name) => `${scheme}://${name.includes(':') ? `[${name}]` : name}:${port}`);
  }

  allowedHost(request: FastifyRequest): boolean {
    const name = hostName(request.headers.host);
    return name !== undefined && this.hosts.has(name);
  }

  /** Whether a browser Origin is this server's own, as the request reached it (same scheme, host and port). */
  ownOrigin(request: FastifyRequest, origin: string | undefined): boolean {
    if (origin === undefined) return false;
    // Our page by any of our names (localhost for 127.0.0.1): same scheme and port, a host name that is this machine's.
    const match = /^(https?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/i.exec(origin);
    const port = /:(\d+)$/.exec(request.headers.host ?? '')?.[1] ?? (this.options.secure ? '443' : '80');
    if (!match) return false;
    const scheme = match[1]!.toLowerCase();
    return scheme === (this.options.secure ? 'https' : 'http') && (match[3] ?? (scheme === 'https' ? '443' : '80')) === port && this.hosts.has(match[2]!.replace(/^\[|\]$/g, '').toLowerCase());
  }

  /** Who the request is: a bearer token wins over the session cookie. */
  caller(request: FastifyRequest): Caller | undefined {
    const authorization = request.headers.authorization;
    const sessionId = cookieValue(request.headers.cookie, SESSION_COOKIE);
    const found = this.authenticator.identify({ ...(authorization === undefined ? {} : { authorization }), ...(sessionId === undefined ? {} : { sessionId }) });
    if (!found) return undefined;
    return { principal: found.principal, viaCookie: authorization === undefined, ...(found.csrfHash ? { csrfHash: found.csrfHash } : {}) };
  }

  /**
   * The caller, when allowed `action`; otherwise answers 401 (nobody), 403 (a role too low, a display, a forged
   * cross-site request) and returns undefined. State-changing requests with the cookie must come from our own page
   * (Origin) and carry the session's CSRF token.
   */
  require(request: FastifyRequest, reply: FastifyReply, action: Action): Principal | undefined {
    const caller = this.caller(request);
    if (!caller) {
      void reply.code(401).send(UNAUTHORISED);
      return undefined;
    }
    const refusal = this.refusal(request, caller, action);
    if (refusal) {
      void reply.code(403).send(refusal);
      return undefined;
    }
    return caller.principal;
  }

  /** Reads: anyone on a loopback-only server (the machine's own users); off loopback, a principal allowed wall.read. */
  readable(request: FastifyRequest, reply: FastifyReply): boolean {
    if (!this.lan) return true;
    return this.require(request, reply, 'wall.read') !== undefined;
  }

  /** Why a known caller may not do `action` with this request: a forged cross-site request, or a role too low. */
  refusal(request: FastifyRequest, caller: Caller, action: Action): ApiError | undefined {
    if (request.method !== 'GET' && caller.viaCookie && !this.sameSiteRequest(request, caller)) return CROSS_SITE;
    return allows(caller.principal.role, action) ? undefined : forbidden(caller.principal, action);
  }

  private sameSiteRequest(request: FastifyRequest, caller: Caller): boolean {
    const header = request.headers[CSRF_HEADER];
    return this.ownOrigin(request, request.headers.origin) && caller.csrfHash !== undefined && csrfMatches(typeof header === 'string' ? header : undefined, caller.csrfHash);
  }

  sessionCookie(id: string, persistent = false): string {
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/${persistent ? `; Max-Age=${PERSISTENT_COOKIE_SECONDS}` : ''}${this.options.secure ? '; Secure' : ''}`;
  }

  clearedSessionCookie(): string {
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${this.options.secure ? '; Secure' : ''}`;
  }

  /** Keeps an open socket's principal, so that the socket is closed once its token is revoked, its user disabled, its session ended. */
  track(principal: Principal | undefined, close: () => void): Disposable {
    if (!principal) return { dispose: () => undefined };
    const socket: TrackedSocket = { principal, close };
    this.sockets.add(socket);
    return { dispose: () => void this.sockets.delete(socket) };
  }

  /** Checks every open socket's principal again (after the credentials in the database changed); closes those that ended. */
  recheck(): number {
    let closed = 0;
    for (const socket of [...this.sockets]) {
      if (this.authenticator.stillValid(socket.principal)) continue;
      this.sockets.delete(socket);
      socket.close();
      closed += 1;
    }
    return closed;
  }
}

export const UNAUTHORISED: ApiError = {
  error: 'unauthorised',
  message: 'not signed in: sign in on the console, or send Authorization: Bearer <token> (ioc-wall tokens create, or the admin token named at start-up)',
};

const CROSS_SITE: ApiError = { error: 'csrf', message: 'a request with the session cookie must come from this server’s own page with its X-CSRF-Token header' };

export const forbidden = (principal: Principal, action: Action): ApiError => ({
  error: 'forbidden',
  message:
    principal.role === DISPLAY_ROLE
      ? `${principal.actor} is a display token: it shows screen ${principal.screen ?? ''} and can do nothing else`
      : `${action} needs the role ${LEAST_ROLE[action]} or higher; ${principal.actor} is ${principal.role}`,
});
