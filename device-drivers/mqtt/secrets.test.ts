// Secrets named by a layout: read from the environment and from secrets files, with errors and warnings that never show a value.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerSchema } from '../../common/telemetry/schema.ts';
import { redactBrokerUrl, resolveBrokerOptions, resolveSecret, SecretError } from './secrets.ts';

const SECRET = 'hunter2-s3cret';

let directory: string;
let warnings: string[];
const warn = (message: string) => void warnings.push(message);

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'ioc-wall-secrets-'));
  warnings = [];
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function secretsFile(name: string, text: string, mode = 0o600): Promise<void> {
  await writeFile(path.join(directory, name), text);
  await chmod(path.join(directory, name), mode);
}

async function failure(promise: Promise<unknown>): Promise<SecretError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SecretError);
  expect((error as Error).message).not.toContain(SECRET);
  return error as SecretError;
}

describe('resolveSecret', () => {
  it('reads an environment variable', async () => {
    expect(await resolveSecret({ env: 'MQTT_PASSWORD' }, directory, { MQTT_PASSWORD: SECRET }, warn)).toBe(SECRET);
  });

  it('names a missing or empty variable', async () => {
    expect((await failure(resolveSecret({ env: 'MQTT_PASSWORD' }, directory, {}, warn))).message).toBe('environment variable MQTT_PASSWORD is not set');
    expect((await failure(resolveSecret({ env: 'MQTT_PASSWORD' }, directory, { MQTT_PASSWORD: '' }, warn))).message).toBe(
      'environment variable MQTT_PASSWORD is empty',
    );
  });

  it('reads a key of a JSON secrets file relative to the layout', async () => {
    await secretsFile('secrets.json', JSON.stringify({ password: SECRET, other: 'x' }));
    expect(await resolveSecret({ file: 'secrets.json', key: 'password' }, directory, {}, warn)).toBe(SECRET);
    expect(warnings).toEqual([]);
  });

  it('explains what is wrong with a JSON secrets file without quoting it', async () => {
    const file = path.join(directory, 'secrets.json');
    await secretsFile('secrets.json', JSON.stringify({ password: SECRET }));
    expect((await failure(resolveSecret({ file: 'secrets.json', key: 'username' }, directory, {}, warn))).message).toBe(
      `secrets file ${file} has no key 'username'`,
    );
    await secretsFile('secrets.json', JSON.stringify({ password: 1234 }));
    expect((await failure(resolveSecret({ file: 'secrets.json', key: 'password' }, directory, {}, warn))).message).toBe(
      `key 'password' of secrets file ${file} must be a string, not a number`,
    );
    // V8 would quote the text around the mistake, i.e. the secret.
    await secretsFile('secrets.json', `{"password": ${SECRET}}`);
    expect((await failure(resolveSecret({ file: 'secrets.json', key: 'password' }, directory, {}, warn))).message).toContain('is not valid JSON');
    await secretsFile('secrets.json', JSON.stringify([SECRET]));
    expect((await failure(resolveSecret({ file: 'secrets.json', key: 'password' }, directory, {}, warn))).message).toContain('must hold a JSON object');
  });

  it('reads KEY=value lines, skipping comments and blank lines and stripping quotes', async () => {
    await secretsFile(
      'broker.env',
      ['# broker credentials', '', `PASSWORD="${SECRET}"`, "USERNAME='wall'", 'export TOKEN = plain#value ', 'KEY="line one\\nline two"', ''].join('\n'),
    );
    const read = (key: string) => resolveSecret({ file: 'broker.env', key }, directory, {}, warn);
    expect(await read('PASSWORD')).toBe(SECRET);
    expect(await read('USERNAME')).toBe('wall');
    expect(await read('TOKEN')).toBe('plain#value');
    expect(await read('KEY')).toBe('line one\nline two');
  });

  it('names the file and key that are missing, and a line that is not KEY=value, without its text', async () => {
    const file = path.join(directory, 'broker.env');
    expect((await failure(resolveSecret({ file: 'broker.env', key: 'PASSWORD' }, directory, {}, warn))).message).toBe(`secrets file ${file} does not exist`);
    await secretsFile('broker.env', `USERNAME=wall\n`);
    expect((await failure(resolveSecret({ file: 'broker.env', key: 'PASSWORD' }, directory, {}, warn))).message).toBe(
      `secrets file ${file} has no key 'PASSWORD'`,
    );
    await secretsFile('broker.env', `PASSWORD=\n`);
    expect((await failure(resolveSecret({ file: 'broker.env', key: 'PASSWORD' }, directory, {}, warn))).message).toBe(
      `key 'PASSWORD' of secrets file ${file} is empty`,
    );
    await secretsFile('broker.env', `USERNAME=wall\n${SECRET}\n`);
    expect((await failure(resolveSecret({ file: 'broker.env', key: 'USERNAME' }, directory, {}, warn))).message).toBe(
      `secrets file ${file} line 2 is not KEY=value (is it a secrets file?)`,
    );
  });

  it.runIf(process.platform !== 'win32')('warns when other users can read the secrets file', async () => {
    await secretsFile('broker.env', `PASSWORD=${SECRET}\n`, 0o644);
    expect(await resolveSecret({ file: 'broker.env', key: 'PASSWORD' }, directory, {}, warn)).toBe(SECRET);
    expect(warnings).toEqual([`secrets file ${path.join(directory, 'broker.env')} is readable by other users (mode 0644): chmod 600 ${path.join(directory, 'broker.env')}`]);
    expect(warnings.join('')).not.toContain(SECRET);
  });
});

describe('resolveBrokerOptions', () => {
  it('reads credentials and TLS files beside the layout and gives a URL safe to log', async () => {
    await secretsFile('broker.env', `MQTT_USER=wall\nCLIENT_KEY="-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----"\n`);
    await writeFile(path.join(directory, 'ca.pem'), 'CA PEM');
    await writeFile(path.join(directory, 'client.pem'), 'CERT PEM');
    const broker = BrokerSchema.parse({
      id: 'ioc',
      url: 'mqtts://broker.example:8883/mqtt',
      username: { file: 'broker.env', key: 'MQTT_USER' },
      password: { env: 'MQTT_PASSWORD' },
      tls: { ca: 'ca.pem', cert: 'client.pem', key: { file: 'broker.env', key: 'CLIENT_KEY' }, servername: 'ioc.example' },
      keepalive: '1m',
    });
    const resolved = await resolveBrokerOptions(broker, directory, { clientId: 'ioc-wall-reference', environment: { MQTT_PASSWORD: SECRET }, warn });
    expect(resolved).toEqual({
      id: 'ioc',
      url: 'mqtts://broker.example:8883/mqtt',
      redactedUrl: 'mqtts://broker.example:8883',
      clientId: 'ioc-wall-reference',
      username: 'wall',
      password: SECRET,
      keepaliveSeconds: 60,
      tls: { ca: 'CA PEM', cert: 'CERT PEM', key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----', rejectUnauthorized: true, servername: 'ioc.example' },
      reconnect: { firstMilliseconds: 1_000, maximumMilliseconds: 30_000 },
    });
    expect(warnings).toEqual([]);
  });

  it('keeps a literal username and the layout client id, and warns about TLS settings on a plain mqtt:// URL', async () => {
    const broker = BrokerSchema.parse({ id: 'ioc', url: 'mqtt://10.0.0.5', clientId: 'wall-a', username: 'wall', tls: { rejectUnauthorized: false } });
    const resolved = await resolveBrokerOptions(broker, directory, { clientId: 'ioc-wall-reference', environment: {}, warn });
    expect(resolved).toMatchObject({ clientId: 'wall-a', username: 'wall', redactedUrl: 'mqtt://10.0.0.5:1883', keepaliveSeconds: 30, tls: { rejectUnauthorized: false } });
    expect(resolved.password).toBeUndefined();
    expect(warnings).toEqual(['broker ioc (mqtt://10.0.0.5:1883) has tls settings but its URL is not mqtts:// or wss://: the connection is not encrypted']);
  });

  it('names a missing CA file', async () => {
    const broker = BrokerSchema.parse({ id: 'ioc', url: 'mqtts://broker.example', tls: { ca: 'certs/ca.pem' } });
    await expect(resolveBrokerOptions(broker, directory, { clientId: 'x', environment: {}, warn })).rejects.toThrow(
      `CA certificate file ${path.join(directory, 'certs/ca.pem')} does not exist`,
    );
  });

  it('redacts URLs to protocol, host and port', () => {
    expect(redactBrokerUrl('wss://broker.example/mqtt?token=abc')).toBe('wss://broker.example:443');
    expect(redactBrokerUrl('mqtt://[::1]:1884')).toBe('mqtt://[::1]:1884');
    expect(redactBrokerUrl('not a url')).toBe('(invalid broker URL)');
  });
});
