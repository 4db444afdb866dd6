// `ioc-wall tokens create|list|revoke`: bearer tokens for scripts and display PCs, in the state database; a secret is printed once, at creation, and never stored.
import { CLIENT_ROLES, DISPLAY_ROLE, type ClientRole } from '../../common/contract/index.ts';
import { durationMilliseconds } from '../../common/wall/index.ts';
import { IdentityError, type TokenSummary } from '../services/identities.ts';
import { readLayoutFile } from '../services/layout-file.ts';
import { ExitCode, table, type CliOutput } from './io.ts';
import { isoTime, LocalIdentities } from './users.ts';

const USAGE = `usage: ioc-wall tokens create --role <role> [--screen <id>] [--expires <90d|12h|30m>] [--label <text>] | list [--json] | revoke <id>   [--data-dir <dir>]
  roles: ${CLIENT_ROLES.join(', ')} (a display token is for one screen: --screen <id>)`;

/** Screen ids as the layout writes them (S01); the label `display <screen>` must fit the database's 64 characters. */
const SCREEN_ID = /^[A-Za-z0-9_]{1,56}$/;
const MAXIMUM_LABEL_LENGTH = 64;

export interface TokensOptions {
  readonly dataDir?: string | undefined;
  readonly role?: string | undefined;
  readonly screen?: string | undefined;
  readonly expires?: string | undefined;
  readonly label?: string | undefined;
  readonly json: boolean;
}

export interface TokenRequest {
  readonly role: ClientRole;
  readonly screen?: string;
  readonly label: string;
  /** From creation; none: until revoked. */
  readonly expiresInMilliseconds?: number;
}

/** Checks a token request as typed; a problem is a usage error (exit 2). */
export function tokenRequest(options: { role?: string | undefined; screen?: string | undefined; expires?: string | undefined; label?: string | undefined }): TokenRequest | string {
  const role = options.role;
  if (role === undefined) return `give the token's role: --role <${CLIENT_ROLES.join('|')}>`;
  if (!(CLIENT_ROLES as readonly string[]).includes(role)) return `unknown role '${role}'; roles: ${CLIENT_ROLES.join(', ')}`;
  const screen = options.screen;
  if (role === DISPLAY_ROLE && screen === undefined) return 'a display token is for one screen: give --screen <id>';
  if (role !== DISPLAY_ROLE && screen !== undefined) return '--screen is only for display tokens (--role display)';
  if (screen !== undefined && !SCREEN_ID.test(screen)) return `'${screen}' is not a screen id: letters, digits and _ (e.g. S01)`;
  let expiresInMilliseconds: number | undefined;
  if (options.expires !== undefined) {
    try {
      expiresInMilliseconds = durationMilliseconds(options.expires);
    } catch {
      return `--expires takes a duration such as 90d, 12h or 30m, not '${options.expires}'`;
    }
  }
  const label = (options.label ?? (screen === undefined ? role : `display ${screen}`)).normalize('NFC');
  if (label.trim().length === 0 || [...label].length > MAXIMUM_LABEL_LENGTH || /\p{Cc}/u.test(label)) return `--label must be 1 to ${MAXIMUM_LABEL_LENGTH} characters on one line`;
  return { role: role as ClientRole, label, ...(screen === undefined ? {} : { screen }), ...(expiresInMilliseconds === undefined ? {} : { expiresInMilliseconds }) };
}

/** Creates the token (audited as token.create with its id); the secret is returned to be printed once. */
export async function createToken(local: LocalIdentities, request: TokenRequest): Promise<{ token: string; id: string; expiresAt?: number }> {
  const { role, screen, label } = request;
  const expiresAt = request.expiresInMilliseconds === undefined ? undefined : local.now() + request.expiresInMilliseconds;
  const options = { role, label, ...(screen === undefined ? {} : { screen }), ...(expiresAt === undefined ? {} : { expiresAt }) };
  // The id is made with the token, so the audit target is the label and the outcome names the id.
  const created = await local.audited('token.create', label, { role, screen: screen ?? null, expiresAt: expiresAt ?? null }, () => local.identities.createToken(options), ({ id }) => ({ id }));
  return { ...created, ...(expiresAt === undefined ? {} : { expiresAt }) };
}

/** A warning when the layout has no such screen (or cannot be read): a display token for it would show nothing. */
export async function checkScreenInLayout(screen: string, layoutFile: string): Promise<string | undefined> {
  let loaded;
  try {
    loaded = await readLayoutFile(layoutFile);
  } catch (error) {
    return `could not check screen '${screen}' against the layout: ${(error as Error).message} (--layout <file> names the wall's layout)`;
  }
  if (!loaded.layout) return `could not check screen '${screen}' against ${layoutFile}: the layout has errors (ioc-wall validate ${layoutFile})`;
  const screens = loaded.layout.screens.map((candidate) => candidate.id);
  if (screens.includes(screen)) return undefined;
  return `screen '${screen}' is not in the layout ${layoutFile} (its screens: ${screens.join(' ')}); the token is made anyway, but shows nothing until the layout has that screen`;
}

function expiry(token: TokenSummary, now: number): string {
  if (token.expiresAt === null) return 'never';
  return `${isoTime(token.expiresAt)}${token.expiresAt <= now ? ' (expired)' : ''}`;
}

export async function tokensCommand(arguments_: readonly string[], options: TokensOptions, output: CliOutput, now: () => number = Date.now): Promise<number> {
  const [action, id, ...extra] = arguments_;
  const usage = (problem?: string) => {
    output.err(problem ? `ioc-wall tokens: ${problem}\n${USAGE}` : USAGE);
    return ExitCode.usage;
  };
  if (extra.length > 0) return usage(`unexpected '${extra.join(' ')}'`);
  let request: TokenRequest | undefined;
  if (action === 'create') {
    if (id !== undefined) return usage(`unexpected '${id}'`);
    const checked = tokenRequest(options);
    if (typeof checked === 'string') return usage(checked);
    request = checked;
  } else if (options.role !== undefined || options.screen !== undefined || options.expires !== undefined || options.label !== undefined) {
    return usage('--role, --screen, --expires and --label are for tokens create');
  }
  if (action === 'list' && id !== undefined) return usage(`unexpected '${id}'`);
  if (action === 'revoke' && id === undefined) return usage('name the token: ioc-wall tokens revoke <id> (ioc-wall tokens list shows the ids)');
  if (action !== 'create' && action !== 'list' && action !== 'revoke') return usage(action === undefined ? undefined : `unknown action '${action}'`);

  // One instant for the whole command: a token made with --expires 90d expires exactly 90 days after its creation.
  const at = now();
  const local = await LocalIdentities.open('tokens', options.dataDir, output, () => at);
  if (!local) return ExitCode.usage;
  try {
    switch (action) {
      case 'create': {
        const { token, id: created, expiresAt } = await createToken(local, request!);
        output.out(token);
        const scope = [request!.role, ...(request!.screen ? [`screen ${request!.screen}`] : []), expiresAt === undefined ? 'no expiry' : `expires ${isoTime(expiresAt)}`];
        output.err(`ioc-wall tokens: created token ${created} '${request!.label}' (${scope.join(', ')}); the token (on standard output) is shown only this once and cannot be shown again. Revoke it with: ioc-wall tokens revoke ${created}`);
        return ExitCode.ok;
      }
      case 'list': {
        const tokens = local.identities.listTokens();
        if (options.json) output.out(JSON.stringify(tokens, null, 2));
        else if (tokens.length === 0) output.out('no tokens yet: ioc-wall tokens create --role <role>');
        else {
          const rows = tokens.map((token) => [token.id, token.label, token.role, token.screen ?? '-', isoTime(token.createdAt), expiry(token, at), token.revokedAt === null ? '-' : isoTime(token.revokedAt)]);
          for (const line of table([['id', 'label', 'role', 'screen', 'created', 'expires', 'revoked'], ...rows])) output.out(line);
        }
        return ExitCode.ok;
      }
      case 'revoke': {
        const before = local.identities.listTokens().find((token) => token.id === id);
        await local.audited('token.revoke', id!, {}, () => local.identities.revokeToken(id!));
        output.out(before !== undefined && before.revokedAt === null ? `revoked token ${id} '${before?.label}'; a server using this database closes its connections at once` : `token ${id} was already revoked`);
        return ExitCode.ok;
      }
    }
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    output.err(`ioc-wall tokens: ${error.message}${action === 'revoke' ? ' (ioc-wall tokens list shows the ids)' : ''}`);
    return ExitCode.failed;
  } finally {
    local.dispose();
  }
}
