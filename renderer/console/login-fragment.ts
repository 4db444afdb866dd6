// The one-time login code of the console link (/console#login=<code>): in the fragment so it never reaches a request line or a log.

export interface LoginFragment {
  /** The code, when the fragment carries one. */
  readonly code: string | undefined;
  /** The fragment without it ('' when nothing else was there), for history.replaceState. */
  readonly rest: string;
}

export function readLoginFragment(hash: string): LoginFragment {
  const parameters = new URLSearchParams(hash.replace(/^#/, ''));
  if (!parameters.has('login')) return { code: undefined, rest: hash };
  const code = parameters.get('login') ?? undefined;
  parameters.delete('login');
  const rest = parameters.toString();
  return { code: code === '' ? undefined : code, rest: rest === '' ? '' : `#${rest}` };
}
