// `ioc-wall validate <file>...`: every problem of every file, as text or JSON; exit 0 valid, 1 errors, 2 unreadable.
import { formatProblem, hasErrors, type Problem } from '../../common/wall/index.ts';
import { LayoutReadError, readLayoutFile } from '../services/layout-file.ts';
import { ExitCode, type CliOutput } from './io.ts';

interface FileReport {
  readonly file: string;
  readonly ok: boolean;
  readonly problems: readonly Problem[];
  /** Set when the file could not be read. */
  readonly error?: string;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export async function validateCommand(files: readonly string[], options: { json: boolean }, output: CliOutput): Promise<number> {
  if (files.length === 0) {
    output.err('ioc-wall validate: name at least one layout file, e.g. ioc-wall validate wall-layouts/*.yaml');
    return ExitCode.usage;
  }
  const reports: FileReport[] = [];
  for (const file of files) {
    try {
      const { problems } = await readLayoutFile(file);
      reports.push({ file, ok: !hasErrors(problems), problems });
    } catch (error) {
      if (!(error instanceof LayoutReadError)) throw error;
      reports.push({ file, ok: false, problems: [], error: error.message });
    }
  }

  if (options.json) {
    output.out(JSON.stringify({ files: reports }, null, 2));
  } else {
    for (const report of reports) {
      if (report.error) output.err(`ioc-wall validate: ${report.error}`);
      for (const problem of report.problems) output.out(formatProblem(report.file, problem));
      if (report.error) continue;
      const errors = report.problems.filter((problem) => problem.severity === 'error').length;
      const warnings = report.problems.length - errors;
      const verdict = report.ok ? 'valid' : plural(errors, 'error');
      output.out(`${report.file}: ${verdict}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`);
    }
  }
  if (reports.some((report) => report.error)) return ExitCode.usage;
  return reports.every((report) => report.ok) ? ExitCode.ok : ExitCode.failed;
}
