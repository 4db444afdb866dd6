// Reads the secrets a layout names (environment variables, secrets files beside the layout) and turns a broker entry into mqtt.js connection settings; errors and warnings never carry a secret's value.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Broker, SecretReference } from '../../common/telemetry/schema.ts';
import { durationMilliseconds } from '../../common/wall/duration.ts';

/** A secret (or a TLS file a broker needs) could not be read. The message names the variable, file and key, never a value. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

export type Warn = (message: string) => void;

const defaultWarn: Warn = (message) => console.warn(message);

/** Where a reference points, for messages: `environment variable MQTT_PASSWORD` or `key 'password' of secrets file /etc/wall/secrets.env`. */
export function describeSecretReference(reference: SecretReference, layoutDirectory: string): string {
  return 'env' in reference
    ? `environment variable ${reference.env}`
    : `key '${reference.key}' of secrets file ${path.resolve(layoutDirectory, reference.file)}`;
}

/** Resolves a `{env: NAME}` or `{file, key}` reference; a file path is relative to the layout's directory. */
export async function resolveSecret(
  reference: SecretReference,
  layoutDirectory: string,
  environment: NodeJS.ProcessEnv = process.env,
  warn: Warn = defaultWarn,
): Promise<string> {
  if ('env' in reference) {
    const value = environment[reference.env];
    if (value === undefined) throw new SecretError(`environment variable ${reference.env} is not set`);
    if (value === '') throw new SecretError(`environment variable ${reference.env} is empty`);
    return value;
  }
  const file = path.resolve(layoutDirectory, reference.file);
  const where = `secrets file ${file}`;
  const text = await readSecretsFile(file, warn);
  const value = path.extname(file).toLowerCase() === '.json' ? jsonMember(text, reference.key, where) : keyValueMember(text, reference.key, where);
  if (value === '') throw new SecretError(`key '${reference.key}' of ${where} is empty`);
  return value;
}

async function readSecretsFile(file: string, warn: Warn): Promise<string> {
  try {
    // Windows has no group/other mode bits worth checking.
    if (process.platform !== 'win32') {
      const { mode } = await stat(file);
      if ((mode & 0o077) !== 0) {
        warn(`secrets file ${file} is readable by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 ${file}`);
      }
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new SecretError(`secrets file ${file} ${fileProblem(error)}`);
  }
}

/** The error's code only: Node's messages would repeat the path, and no fs message carries file contents anyway. */
function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot be read (${code ?? String(error)})`;
  }
}

function jsonMember(text: string, key: string, where: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // V8's JSON.parse message quotes the text around the mistake, which is where the secrets are: say only that it is not JSON.
    throw new SecretError(`${where} is not valid JSON (write an object of strings, e.g. {"password": "..."})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretError(`${where} must hold a JSON object of strings, e.g. {"password": "..."}`);
  }
  if (!Object.hasOwn(parsed, key)) throw new SecretError(`${where} has no key '${key}'`);
  const value = (parsed as Record<string, unknown>)[key];
  if (typeof value !== 'string') {
    throw new SecretError(`key '${key}' of ${where} must be a string, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
  }
  return value;
}

const KEY_VALUE_LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * `KEY=value` lines as in a .env file: blank lines and `#` comment lines skipped, one pair of matching surrounding quotes
 * stripped, `\n` expanded inside double quotes (so a PEM key fits on one line), the last assignment wins. A `#` after a value
 * is part of the value: passwords may contain it.
 */
function keyValueMember(text: string, key: string, where: string): string {
  let found: string | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = KEY_VALUE_LINE.exec(line);
    // The line itself is not quoted: it may be a secret (a PEM file named by mistake, a value missing its key).
    if (!match) throw new SecretError(`${where} line ${index + 1} is not KEY=value (is it a secrets file?)`);
    if (match[1] === key) found = unquote(match[2]!);
  }
  if (found === undefined) throw new SecretError(`${where} has no key '${key}'`);
  return found;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replaceAll('\\n', '\n');
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

export interface ResolvedBrokerTls {
  /** CA certificate(s), PEM contents. */
  readonly ca?: string;
  /** Client certificate, PEM contents. */
  readonly cert?: string;
  /** Client private key, PEM contents (a secret). */
  readonly key?: string;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

/** A broker entry with its secrets and files read: what mqtt.js `connect` needs. Holds secrets: never log it; log `redactedUrl`. */
export interface ResolvedBroker {
  readonly id: string;
  readonly url: string;
  /** protocol://host:port, for logs and the console. */
  readonly redactedUrl: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly keepaliveSeconds: number;
  readonly tls?: ResolvedBrokerTls;
  /** The layout's reconnect backoff: first delay, doubling up to maximum. */
  readonly reconnect: { readonly firstMilliseconds: number; readonly maximumMilliseconds: number };
}

export interface ResolveBrokerOptions {
  /** Used when the layout gives none, e.g. ioc-wall-<wall id>. */
  readonly clientId: string;
  readonly environment?: NodeJS.ProcessEnv;
  readonly warn?: Warn;
}

const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

/** protocol://host:port of a broker URL (the default port written out), without path, query or anything before the host. */
export function redactBrokerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const protocol = parsed.protocol.replace(/:$/, '');
    const port = parsed.port === '' ? DEFAULT_PORTS[protocol.toLowerCase()] : Number(parsed.port);
    return `${protocol}://${parsed.hostname}${port === undefined ? '' : `:${port}`}`;
  } catch {
    // An unparsable URL is not shown at all: it might be anything.
    return '(invalid broker URL)';
  }
}

/** Reads a broker's secrets and TLS files (paths relative to the layout's directory); rejects with a SecretError naming what is missing. */
export async function resolveBrokerOptions(broker: Broker, layoutDirectory: string, options: ResolveBrokerOptions): Promise<ResolvedBroker> {
  const environment = options.environment ?? process.env;
  const warn = options.warn ?? defaultWarn;
  const secret = (reference: SecretReference) => resolveSecret(reference, layoutDirectory, environment, warn);
  const username = broker.username === undefined ? undefined : typeof broker.username === 'string' ? broker.username : await secret(broker.username);
  const password = broker.password === undefined ? undefined : await secret(broker.password);
  const redactedUrl = redactBrokerUrl(broker.url);
  let tls: ResolvedBrokerTls | undefined;
  if (broker.tls) {
    const protocol = new URL(broker.url).protocol;
    if (protocol !== 'mqtts:' && protocol !== 'wss:') {
      warn(`broker ${broker.id} (${redactedUrl}) has tls settings but its URL is not mqtts:// or wss://: the connection is not encrypted`);
    }
    tls = {
      ...(broker.tls.ca === undefined ? {} : { ca: await readTlsFile(layoutDirectory, broker.tls.ca, 'CA certificate') }),
      ...(broker.tls.cert === undefined ? {} : { cert: await readTlsFile(layoutDirectory, broker.tls.cert, 'client certificate') }),
      ...(broker.tls.key === undefined ? {} : { key: await secret(broker.tls.key) }),
      rejectUnauthorized: broker.tls.rejectUnauthorized,
      ...(broker.tls.servername === undefined ? {} : { servername: broker.tls.servername }),
    };
  }
  return {
    id: broker.id,
    url: broker.url,
    redactedUrl,
    clientId: broker.clientId ?? options.clientId,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    keepaliveSeconds: durationMilliseconds(broker.keepalive) / 1000,
    ...(tls === undefined ? {} : { tls }),
    reconnect: { firstMilliseconds: durationMilliseconds(broker.reconnect.first), maximumMilliseconds: durationMilliseconds(broker.reconnect.maximum) },
  };
}

async function readTlsFile(layoutDirectory: string, file: string, what: string): Promise<string> {
  const resolved = path.resolve(layoutDirectory, file);
  try {
    return await readFile(resolved, 'utf8');
  } catch (error) {
    throw new SecretError(`${what} file ${resolved} ${fileProblem(error)}`);
  }
}
