// `ioc-wall users add|list|disable|enable|passwd`: the people who sign in, kept in the state database and changed there directly (the server need not run).
//
// Why the database and not the control API: the first admin must be made before anyone can sign in, and an
// admin locked out must still be able to get in from the wall PC's shell. WAL lets a running server see each
// change at once (it watches PRAGMA data_version and ends the sessions of a disabled user).
// Passwords are never arguments (shell history, the process list): they come from standard input.
import { userInfo } from 'node:os';
import { isRole, ROLES, type Role } from '../../common/contract/index.ts';
import { prepareDataDirectory, resolveDataDirectory } from '../services/data-dir.ts';
import { Identities, IdentityError, MINIMUM_PASSWORD_LENGTH } from '../services/identities.ts';
import { StateStore } from '../services/state-store.ts';
import { ExitCode, table, type CliOutput } from './io.ts';

const USAGE = `usage: ioc-wall users add <name> --role <role> | list [--json] | disable <name> | enable <name> | passwd <name>   [--data-dir <dir>]
  roles: ${ROLES.join(', ')}
  the password is read from standard input: typed twice at a terminal, or one line from a pipe:
    printf '%s\\n' "$PASSWORD" | ioc-wall users add an --role duty-officer`;

export interface UsersOptions {
  readonly dataDir?: string | undefined;
  readonly role?: string | undefined;
  readonly json: boolean;
}

/** Where a password comes from: a terminal (prompted without echo on the prompt stream) or a pipe. */
export interface PasswordTerminal {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  readonly prompt: NodeJS.WritableStream;
}

const processTerminal = (): PasswordTerminal => ({ input: process.stdin, prompt: process.stderr });

/** A password line longer than this is not a password (someone piped a file). */
const MAXIMUM_PASSWORD_BYTES = 1024;

/** A refusal the person can act on: printed, exit 1. */
class Refused extends Error {}

/** Reads a new password: typed twice without echo at a terminal, else the first line of standard input. */
export async function readNewPassword(terminal: PasswordTerminal): Promise<string> {
  if (!terminal.input.isTTY || !terminal.input.setRawMode) {
    const line = await readFirstLine(terminal.input);
    if (line === undefined || line === '') {
      throw new Refused(`no password on standard input: type it at a terminal, or pipe one line (printf '%s\\n' "$PASSWORD" | ioc-wall users ...)`);
    }
    return line;
  }
  const password = await promptHidden('Mật khẩu / Password: ', terminal);
  // Said before the second prompt, so nobody types a short one twice.
  if ([...password].length < MINIMUM_PASSWORD_LENGTH) throw new Refused(`a password needs at least ${MINIMUM_PASSWORD_LENGTH} characters`);
  const confirmation = await promptHidden('Nhập lại / Confirm password: ', terminal);
  if (confirmation !== password) throw new Refused('the two passwords differ; nothing was changed');
  return password;
}

/** The first line of a stream (without its line ending), or undefined when the stream ends empty. */
async function readFirstLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    const newline = buffer.indexOf(0x0a);
    chunks.push(newline === -1 ? buffer : buffer.subarray(0, newline));
    length += newline === -1 ? buffer.length : newline;
    if (length > MAXIMUM_PASSWORD_BYTES) throw new Refused(`the first line of standard input is over ${MAXIMUM_PASSWORD_BYTES} bytes: pipe the password alone, one line`);
    // Leaving the loop stops reading: nothing after the first line is consumed.
    if (newline !== -1) break;
  }
  if (chunks.length === 0) return undefined;
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new Refused('the password on standard input is not UTF-8 text');
  }
  return text.replace(/\r$/, '');
}

/** Prompts on the terminal and reads one line with echo off (raw mode): backspace and Ctrl-U edit, Ctrl-C or Ctrl-D cancels. */
function promptHidden(prompt: string, terminal: PasswordTerminal): Promise<string> {
  const { input } = terminal;
  terminal.prompt.write(prompt);
  input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      terminal.prompt.write('\n');
    };
    const onData = (chunk: string | Buffer) => {
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n') {
          finish();
          resolve(typed);
          return;
        }
        if (character === '\u0003' || (character === '\u0004' && typed === '')) {
          finish();
          reject(new Refused('cancelled; nothing was changed'));
          return;
        }
        if (character === '\u007f' || character === '\b') typed = [...typed].slice(0, -1).join('');
        else if (character === '\u0015') typed = '';
        else if (character >= ' ') typed += character;
      }
    };
    input.on('data', onData);
  });
}

/** The state database and its identities, as a command opens them; writes are audited as `cli:<login>` from `cli`. */
export class LocalIdentities {
  readonly identities: Identities;

  private constructor(
    private readonly store: StateStore,
    /** The command's clock: identities, audit records and expiries read it. */
    readonly now: () => number,
  ) {
    this.identities = new Identities(store, now);
  }

  /** Opens the data folder's state database, or says why not (exit 2). */
  static async open(command: string, dataDir: string | undefined, output: CliOutput, now: () => number = Date.now): Promise<LocalIdentities | undefined> {
    const directory = resolveDataDirectory(dataDir);
    try {
      return new LocalIdentities(StateStore.open(await prepareDataDirectory(directory)), now);
    } catch (error) {
      output.err(`ioc-wall ${command}: cannot open the state database in ${directory}: ${(error as Error).message} (--data-dir <dir> names the server's data folder)`);
      return undefined;
    }
  }

  /** Runs a change with its audit record: the request is written first, then the outcome (refused for an IdentityError). */
  async audited<T>(action: string, target: string, request: Record<string, unknown>, change: () => T | Promise<T>, detail?: (result: T) => unknown): Promise<T> {
    const id = this.store.appendAudit({ at: this.now(), actor: `cli:${login()}`, origin: 'cli', action, target, request });
    try {
      const result = await change();
      this.store.recordOutcome(id, { at: this.now(), result: 'ok', ...(detail ? { detail: detail(result) } : {}) });
      return result;
    } catch (error) {
      const refused = error instanceof IdentityError;
      this.store.recordOutcome(id, { at: this.now(), result: refused ? 'refused' : 'failed', detail: { message: (error as Error).message } });
      throw error;
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}

function login(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    // No passwd entry for this uid (a container): the environment is the best guess.
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

export const isoTime = (milliseconds: number): string => new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function usersCommand(
  arguments_: readonly string[],
  options: UsersOptions,
  output: CliOutput,
  terminal: PasswordTerminal = processTerminal(),
): Promise<number> {
  const [action, name, ...extra] = arguments_;
  const usage = (problem?: string) => {
    output.err(problem ? `ioc-wall users: ${problem}\n${USAGE}` : USAGE);
    return ExitCode.usage;
  };
  if (extra.length > 0) return usage(`unexpected '${extra.join(' ')}'`);
  if (action === 'list') {
    if (name !== undefined) return usage(`unexpected '${name}'`);
  } else if (action === 'add' || action === 'disable' || action === 'enable' || action === 'passwd') {
    if (name === undefined) return usage(`name the user: ioc-wall users ${action} <name>`);
  } else {
    return usage(action === undefined ? undefined : `unknown action '${action}'`);
  }
  let role: Role | undefined;
  if (action === 'add') {
    if (options.role === undefined) return usage(`give the new user's role: --role <${ROLES.join('|')}>`);
    if (!isRole(options.role)) return usage(`unknown role '${options.role}'; roles: ${ROLES.join(', ')}`);
    role = options.role;
  } else if (options.role !== undefined) {
    return usage('--role is only for users add');
  }

  const local = await LocalIdentities.open('users', options.dataDir, output);
  if (!local) return ExitCode.usage;
  try {
    const { identities } = local;
    const known = identities.listUsers().find((user) => user.name === name);
    switch (action) {
      case 'list': {
        const users = identities.listUsers();
        if (options.json) output.out(JSON.stringify(users, null, 2));
        else if (users.length === 0) output.out('no users yet: ioc-wall users add <name> --role <role>');
        else {
          const rows = users.map((user) => [user.name, user.role, user.disabled ? 'disabled' : 'enabled', isoTime(user.createdAt), isoTime(user.changedAt)]);
          for (const line of table([['name', 'role', 'state', 'created', 'changed'], ...rows])) output.out(line);
        }
        return ExitCode.ok;
      }
      case 'add': {
        // Checked before the password is asked for, so nobody types one for nothing.
        if (known) throw new Refused(`user '${name}' already exists (ioc-wall users passwd ${name} sets a new password)`);
        const password = await readNewPassword(terminal);
        await local.audited('user.add', name!, { role }, () => identities.addUser(name!, role!, password));
        output.out(`added user ${name} (${role})`);
        return ExitCode.ok;
      }
      case 'passwd': {
        if (!known) throw new Refused(`no user '${name}' (ioc-wall users list shows them)`);
        const password = await readNewPassword(terminal);
        await local.audited('user.passwd', name!, {}, () => identities.setPassword(name!, password));
        output.out(`new password set for ${name}; their open sessions are ended`);
        return ExitCode.ok;
      }
      case 'disable':
        await local.audited('user.disable', name!, {}, () => identities.disableUser(name!));
        output.out(known?.disabled ? `user ${name} was already disabled` : `disabled user ${name}; their open sessions are ended`);
        return ExitCode.ok;
      case 'enable':
        await local.audited('user.enable', name!, {}, () => identities.enableUser(name!));
        output.out(known && !known.disabled ? `user ${name} was already enabled` : `enabled user ${name}`);
        return ExitCode.ok;
    }
  } catch (error) {
    if (!(error instanceof Refused || error instanceof IdentityError)) throw error;
    output.err(`ioc-wall users: ${error.message}`);
    return ExitCode.failed;
  } finally {
    local.dispose();
  }
}
