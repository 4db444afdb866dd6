// Series templates (pctt.water_level.{1}): which layout series a subscription can feed, and the topic words that give each.
import { PLACEHOLDER } from './schema.ts';

/** A compiled template; `match` gives the placeholder words ({'1': 'kim_long'}) that produce `series`, or undefined. */
export interface SeriesTemplate {
  readonly template: string;
  match(series: string): Readonly<Record<string, string>> | undefined;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileSeriesTemplate(template: string): SeriesTemplate {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    source += escape(template.slice(last, match.index));
    const name = match[1]!;
    const seen = names.indexOf(name);
    // A placeholder used twice must give the same word twice.
    source += seen >= 0 ? `\\${seen + 1}` : '([a-z0-9_]+)';
    if (seen < 0) names.push(name);
    last = match.index + match[0].length;
  }
  source += escape(template.slice(last));
  const pattern = new RegExp(`^${source}$`);
  return {
    template,
    match(series) {
      const found = pattern.exec(series);
      return found ? Object.fromEntries(names.map((name, index) => [name, found[index + 1]!])) : undefined;
    },
  };
}
