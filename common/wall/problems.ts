// Problems found in a layout file: their shape, their path notation and their one-line text form.

export type Severity = 'error' | 'warning';

export interface Problem {
  readonly severity: Severity;
  /** 1-based line and column in the layout file. */
  readonly line: number;
  readonly column: number;
  /** Where in the layout, e.g. `screens[3].bezel.top`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** A likely intended value, for "did you mean" hints. */
  readonly suggestion?: string;
}

export type PathSegment = string | number;

/** `['screens', 3, 'bezel', 'top']` -> `screens[3].bezel.top`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** `file:line:column: path: message (did you mean 'x'?)`; warnings say so before the message. */
export function formatProblem(file: string, problem: Problem): string {
  const where = problem.path === '' ? '' : `${problem.path}: `;
  const severity = problem.severity === 'warning' ? 'warning: ' : '';
  const hint = problem.suggestion === undefined ? '' : ` (did you mean '${problem.suggestion}'?)`;
  return `${file}:${problem.line}:${problem.column}: ${where}${severity}${problem.message}${hint}`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

export function byPosition(a: Problem, b: Problem): number {
  return a.line - b.line || a.column - b.column;
}
