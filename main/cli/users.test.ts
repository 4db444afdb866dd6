// `ioc-wall users` as an administrator runs it: passwords from a pipe or typed twice without echo, exit codes, and no password in output or in the database.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Identities } from '../services/identities.ts';
import { STATE_FILE_NAME, StateStore } from '../services/state-store.ts';
import { main } from './main.ts';
import { readNewPassword, type PasswordTerminal } from './users.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/ioc-wall.js');
const PASSWORD = 'Mật khẩu trực ban 2026';
const SECOND_PASSWORD = 'ca đêm: đổi mật khẩu!';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ioc-wall <args>` as a process, with `input` piped to its standard input (closed at once when none). */
function ioc(args: readonly string[], input = ''): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, IOC_WALL_DATA_DIR: undefined, XDG_DATA_HOME: undefined } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const dataFolder = () => mkdtempSync(path.join(tmpdir(), 'ioc-wall-users-'));

/** Every byte of the state database's files (the write-ahead log too). */
function databaseBytes(directory: string): Buffer {
  return Buffer.concat(readdirSync(directory).filter((name) => name.startsWith(STATE_FILE_NAME)).map((name) => readFileSync(path.join(directory, name))));
}

async function inProcess(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ioc-wall users', () => {
  it('adds a user with the password piped on standard input, and lists them', async () => {
    const data = dataFolder();
    const added = await ioc(['users', 'add', 'an', '--role', 'duty-officer', '--data-dir', data], `${PASSWORD}\n`);
    expect(added).toEqual({ code: 0, stdout: 'added user an (duty-officer)\n', stderr: '' });
    // CRLF from a Windows-made file is one line ending, not part of the password.
    expect((await ioc(['users', 'add', 'binh', '--role', 'viewer', '--data-dir', data], `${SECOND_PASSWORD}\r\nignored second line\n`)).code).toBe(0);

    const list = await ioc(['users', 'list', '--data-dir', data]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^name\s+role\s+state\s+created\s+changed\nan\s+duty-officer\s+enabled\s+\S+Z\s+\S+Z\nbinh\s+viewer\s+enabled\s/);
    const json = JSON.parse((await ioc(['users', 'list', '--json', '--data-dir', data])).stdout);
    expect(json).toEqual([
      { name: 'an', role: 'duty-officer', disabled: false, createdAt: expect.any(Number), changedAt: expect.any(Number) },
      { name: 'binh', role: 'viewer', disabled: false, createdAt: expect.any(Number), changedAt: expect.any(Number) },
    ]);

    const store = StateStore.open(data);
    const identities = new Identities(store);
    expect(await identities.checkPassword('an', PASSWORD)).toMatchObject({ role: 'duty-officer' });
    expect(await identities.checkPassword('binh', SECOND_PASSWORD)).toMatchObject({ role: 'viewer' });
    expect(store.audit().map((entry) => [entry.actor.startsWith('cli:'), entry.origin, entry.action, entry.target, entry.request, entry.result])).toEqual([
      [true, 'cli', 'user.add', 'binh', { role: 'viewer' }, 'ok'],
      [true, 'cli', 'user.add', 'an', { role: 'duty-officer' }, 'ok'],
    ]);
    store.dispose();
    const bytes = databaseBytes(data);
    for (const secret of [PASSWORD, SECOND_PASSWORD]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
  });

  it('refuses a taken name, a weak password and a missing one (exit 1), and bad arguments (exit 2)', async () => {
    const data = dataFolder();
    expect((await ioc(['users', 'add', 'an', '--role', 'operator', '--data-dir', data], `${PASSWORD}\n`)).code).toBe(0);
    const [taken, weak, missing] = await Promise.all([
      ioc(['users', 'add', 'an', '--role', 'admin', '--data-dir', data], `${PASSWORD}\n`),
      ioc(['users', 'add', 'binh', '--role', 'operator', '--data-dir', data], 'short\n'),
      ioc(['users', 'add', 'chi', '--role', 'operator', '--data-dir', data]),
    ]);
    expect(taken).toMatchObject({ code: 1, stdout: '', stderr: "ioc-wall users: user 'an' already exists (ioc-wall users passwd an sets a new password)\n" });
    expect(weak).toMatchObject({ code: 1, stdout: '', stderr: 'ioc-wall users: a password needs at least 12 characters\n' });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('no password on standard input') });
    expect(weak.stderr + taken.stderr).not.toContain(PASSWORD);

    for (const argv of [
      ['users', 'add', 'an'],
      ['users', 'add', 'an', '--role', 'superuser'],
      ['users', 'add', '--role', 'operator'],
      ['users', 'list', '--role', 'operator'],
      ['users', 'list', 'extra'],
      ['users', 'remove', 'an'],
      ['users'],
    ]) {
      const result = await inProcess(...argv, '--data-dir', data);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toContain('usage: ioc-wall users add <name> --role <role>');
    }
    expect((await inProcess('users', 'add', 'an', '--role', 'superuser')).err).toContain("unknown role 'superuser'; roles: viewer, operator, technician, duty-officer, admin");
  });

  it('disables, enables and sets a new password; refuses an unknown user', async () => {
    const data = dataFolder();
    expect((await ioc(['users', 'add', 'an', '--role', 'operator', '--data-dir', data], `${PASSWORD}\n`)).code).toBe(0);
    expect(await ioc(['users', 'disable', 'an', '--data-dir', data])).toEqual({ code: 0, stdout: 'disabled user an; their open sessions are ended\n', stderr: '' });
    expect((await ioc(['users', 'list', '--data-dir', data])).stdout).toMatch(/^an\s+operator\s+disabled\s/m);
    expect(await ioc(['users', 'enable', 'an', '--data-dir', data])).toEqual({ code: 0, stdout: 'enabled user an\n', stderr: '' });
    const passwd = await ioc(['users', 'passwd', 'an', '--data-dir', data], `${SECOND_PASSWORD}\n`);
    expect(passwd).toEqual({ code: 0, stdout: 'new password set for an; their open sessions are ended\n', stderr: '' });

    const [disableGhost, passwdGhost] = await Promise.all([ioc(['users', 'disable', 'ghost', '--data-dir', data]), ioc(['users', 'passwd', 'ghost', '--data-dir', data], `${PASSWORD}\n`)]);
    expect(disableGhost).toMatchObject({ code: 1, stderr: "ioc-wall users: no user 'ghost'\n" });
    expect(passwdGhost).toMatchObject({ code: 1, stderr: "ioc-wall users: no user 'ghost' (ioc-wall users list shows them)\n" });

    const store = StateStore.open(data);
    const identities = new Identities(store);
    expect(await identities.checkPassword('an', PASSWORD)).toBeUndefined();
    expect(await identities.checkPassword('an', SECOND_PASSWORD)).toMatchObject({ name: 'an' });
    expect(store.audit().map((entry) => `${entry.action} ${entry.target} ${entry.result}`)).toEqual(['user.disable ghost refused', 'user.passwd an ok', 'user.enable an ok', 'user.disable an ok', 'user.add an ok']);
    store.dispose();
    expect(databaseBytes(data).includes(Buffer.from(SECOND_PASSWORD))).toBe(false);
  });
});

/** A terminal whose keys the test types; records raw mode and what was prompted. */
function fakeTerminal(keys: readonly string[]) {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void };
  const modes: boolean[] = [];
  input.isTTY = true;
  input.setRawMode = (mode) => void modes.push(mode);
  let prompted = '';
  const prompt = new PassThrough();
  prompt.setEncoding('utf8').on('data', (text: string) => {
    prompted += text;
    // Each prompt gets the next line of keys, as a person types after seeing it.
    if (text.endsWith(': ')) input.write(keys[prompted.split(': ').length - 2] ?? '');
  });
  return { terminal: { input, prompt } satisfies PasswordTerminal, modes, prompted: () => prompted };
}

describe('reading a new password', () => {
  it('at a terminal: prompts twice without echo, with backspace and Ctrl-U editing', async () => {
    const fake = fakeTerminal([`wrong start\u0015${PASSWORD}x\u007f\r`, `${PASSWORD}\r`]);
    expect(await readNewPassword(fake.terminal)).toBe(PASSWORD);
    expect(fake.prompted()).toBe('Mật khẩu / Password: \nNhập lại / Confirm password: \n');
    expect(fake.modes).toEqual([true, false, true, false]);
  });

  it('at a terminal: refuses two different entries, a short one before asking again, and Ctrl-C', async () => {
    await expect(readNewPassword(fakeTerminal([`${PASSWORD}\r`, `${PASSWORD}!\r`]).terminal)).rejects.toThrow('the two passwords differ; nothing was changed');
    const short = fakeTerminal(['short\r', `${PASSWORD}\r`]);
    await expect(readNewPassword(short.terminal)).rejects.toThrow('a password needs at least 12 characters');
    expect(short.prompted()).toBe('Mật khẩu / Password: \n');
    const cancelled = fakeTerminal(['secret\u0003']);
    await expect(readNewPassword(cancelled.terminal)).rejects.toThrow('cancelled');
    expect(cancelled.modes).toEqual([true, false]);
  });

  it('from a pipe: the first line, byte for byte but its line ending', async () => {
    const pipe = (text: string | Buffer) => {
      const input = new PassThrough();
      input.end(text);
      return readNewPassword({ input, prompt: new PassThrough() });
    };
    expect(await pipe(`  ${PASSWORD}  \nnext`)).toBe(`  ${PASSWORD}  `);
    expect(await pipe(PASSWORD)).toBe(PASSWORD);
    await expect(pipe('')).rejects.toThrow('no password on standard input');
    await expect(pipe('\n')).rejects.toThrow('no password on standard input');
    await expect(pipe(Buffer.from([0xff, 0xfe, 0x41, 0x0a]))).rejects.toThrow('not UTF-8');
    await expect(pipe('x'.repeat(5_000))).rejects.toThrow('over 1024 bytes');
  });
});
