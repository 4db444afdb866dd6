// The MQTT broker `serve` starts when a layout names none: aedes on a loopback TCP port, so it never listens beyond this machine, with named accounts and reserved topics (the wall's command and state topics).
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { compileTopicFilter, type TopicFilter } from '../../common/telemetry/topic-filter.ts';

/** A client known by name and password; it may publish only where its filters say. */
export interface BrokerAccount {
  readonly username: string;
  readonly password: string;
  /** Topic filters it may publish to; a reserved topic also needs the account among its publishers. */
  readonly publish: readonly string[];
  /** Whether it may subscribe; default true. */
  readonly subscribe?: boolean;
}

/** A topic only some accounts may publish to; clients without a name never may. */
export interface ReservedTopic {
  readonly topic: string;
  /** Usernames of the accounts that may publish to it. */
  readonly publishers: readonly string[];
  /** Whether a publish to it may be retained (a retained command would be obeyed again by every new subscriber). */
  readonly retain: boolean;
}

/**
 * Who may do what on the broker. Clients without a username (the README's `mosquitto_pub` on loopback) may connect
 * and publish to any topic that is not reserved; a username needs its account's password.
 */
export interface BrokerAccess {
  readonly accounts: readonly BrokerAccount[];
  readonly reserved: readonly ReservedTopic[];
}

/** The part of a pino logger the broker uses. */
export interface BrokerLogger {
  warn(object: object, message: string): void;
}

/** A publish the broker dropped, for whoever must know more than the log says (the wall audits refused commands). */
export interface RefusedPublish {
  readonly clientId: string | undefined;
  /** The account it signed in as; undefined for a client without a name. */
  readonly username: string | undefined;
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly retain: boolean;
  readonly reason: string;
}

export interface EmbeddedBrokerOptions {
  /** A loopback address (127.x.x.x, ::1 or localhost): clients without a name are let in. */
  readonly host?: string;
  /** 0 takes a free port. */
  readonly port: number;
  /** Default: no accounts, nothing reserved (anyone may publish anything but $SYS). */
  readonly access?: BrokerAccess;
  /** Refused connections, publishes and subscriptions: one line per client. */
  readonly logger?: BrokerLogger;
  /** Called for every refused publish (an exception is caught and logged). */
  readonly onRefusedPublish?: (refusal: RefusedPublish) => void;
}

export interface EmbeddedBroker {
  /** mqtt://host:port */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Replaces the accounts and reserved topics; connected clients are judged by the new ones from their next packet. */
  setAccess(access: BrokerAccess): void;
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
    super(`the embedded MQTT broker lets clients without a name in and listens on loopback only (127.0.0.1, ::1, localhost), not on '${host}': name a real broker in the layout's sources.telemetry.brokers to reach other machines`);
  }
}

/** MQTT 3.1.1 CONNACK return code 4. */
const BAD_USERNAME_OR_PASSWORD = 4;
/** Clients whose refusal was logged, forgotten past this many (a client id is chosen by the client). */
const LOGGED_CLIENTS_LIMIT = 1_000;

const digest = (secret: string | Buffer) => createHash('sha256').update(secret).digest();

interface CompiledAccount {
  readonly username: string;
  readonly passwordDigest: Buffer;
  readonly publish: readonly TopicFilter[];
  readonly subscribe: boolean;
}

interface CompiledAccess {
  readonly accounts: ReadonlyMap<string, CompiledAccount>;
  readonly reserved: ReadonlyMap<string, ReservedTopic>;
}

function compileAccess(access: BrokerAccess): CompiledAccess {
  return {
    accounts: new Map(
      access.accounts.map((account) => [
        account.username,
        { username: account.username, passwordDigest: digest(account.password), publish: account.publish.map(compileTopicFilter), subscribe: account.subscribe ?? true },
      ]),
    ),
    reserved: new Map(access.reserved.map((reserved) => [reserved.topic, reserved])),
  };
}

/**
 * The aedes hooks for an access policy. A refused publish closes the client's connection (MQTT 3.1.1 has no way to
 * tell a publisher no: MQTT-3.3.5-2), so the message goes nowhere; a refused subscription is granted 0x80.
 */
export function accessHooks(
  initial: BrokerAccess,
  { logger, onRefusedPublish }: Pick<EmbeddedBrokerOptions, 'logger' | 'onRefusedPublish'> = {},
): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> & { setAccess(access: BrokerAccess): void } {
  let access = compileAccess(initial);
  /** Which account each client signed in as (none: it gave no name). */
  const accountOf = new WeakMap<Client, string>();
  const logged = new Set<string>();
  const refuse = (client: Client | null, what: object, message: string): Error => {
    const key = client?.id ?? '';
    if (logger && !logged.has(key)) {
      if (logged.size >= LOGGED_CLIENTS_LIMIT) logged.clear();
      logged.add(key);
      logger.warn({ clientId: client?.id, username: client ? (accountOf.get(client) ?? null) : null, ...what }, `${message} (logged once per client)`);
    }
    return new Error(message);
  };
  /** Why `client` may not publish to `topic`, or undefined when it may. */
  const publishRefusal = (client: Client | null, topic: string, retain: boolean): string | undefined => {
    // aedes' own rule, kept: $SYS/... is the broker's (moscajs/aedes#597).
    if (topic.startsWith('$')) return "topics starting with $ are the broker's";
    const username = client ? accountOf.get(client) : undefined;
    const account = username === undefined ? undefined : access.accounts.get(username);
    if (username !== undefined && !account) return 'the account was removed';
    if (account && !account.publish.some((filter) => filter.matches(topic) !== undefined)) return 'outside the topics this account may publish to';
    const reserved = access.reserved.get(topic);
    if (reserved && (username === undefined || !reserved.publishers.includes(username))) return "a reserved topic (the wall's commands or state)";
    if (reserved && retain && !reserved.retain) return 'this topic takes no retained messages';
    return undefined;
  };
  return {
    setAccess(next) {
      access = compileAccess(next);
    },
    authenticate(client, username, password, done) {
      if (username === undefined || username === '') {
        if (password === undefined || password.length === 0) return done(null, true);
        return done(Object.assign(refuse(client, {}, 'MQTT client refused: a password without a user name'), { returnCode: BAD_USERNAME_OR_PASSWORD }) as AuthenticateError, false);
      }
      const account = access.accounts.get(username);
      const given = digest(password ?? Buffer.alloc(0));
      // Compared as digests: equal lengths, and the time taken says nothing about the password.
      if (!account || !timingSafeEqual(given, account.passwordDigest)) {
        return done(Object.assign(refuse(client, { username }, 'MQTT client refused: unknown user name or wrong password'), { returnCode: BAD_USERNAME_OR_PASSWORD }) as AuthenticateError, false);
      }
      accountOf.set(client, username);
      return done(null, true);
    },
    authorizePublish(client, packet, done) {
      const reason = publishRefusal(client, packet.topic, packet.retain);
      if (reason === undefined) return done(null);
      const username = client ? accountOf.get(client) : undefined;
      try {
        onRefusedPublish?.({ clientId: client?.id, username, topic: packet.topic, payload: packet.payload as Uint8Array, retain: packet.retain, reason });
      } catch (error) {
        logger?.warn({ topic: packet.topic, error: error instanceof Error ? error.message : String(error) }, 'MQTT refused-publish listener threw');
      }
      return done(refuse(client, { topic: packet.topic }, `MQTT publish refused: ${reason}`));
    },
    authorizeSubscribe(client, subscription, done) {
      const username = accountOf.get(client);
      const account = username === undefined ? undefined : access.accounts.get(username);
      if ((username !== undefined && !account) || account?.subscribe === false) {
        refuse(client, { topic: subscription.topic }, 'MQTT subscription refused: this account may not subscribe');
        return done(null, null);
      }
      return done(null, subscription);
    },
  };
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  const ipv4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return net.isIPv4(ipv4) && ipv4.startsWith('127.');
}

export async function startEmbeddedBroker({ host = '127.0.0.1', port, access = { accounts: [], reserved: [] }, logger, onRefusedPublish }: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  if (!isLoopbackHost(host)) throw new NonLoopbackHostError(host);
  const { setAccess, ...hooks } = accessHooks(access, { ...(logger ? { logger } : {}), ...(onRefusedPublish ? { onRefusedPublish } : {}) });
  // aedes 1.x: the default export only throws a migration notice; createBroker() sets up persistence and heartbeats.
  const aedes = await Aedes.createBroker(hooks);
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
    setAccess,
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
