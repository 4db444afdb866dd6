// Finds what the server's CSP would block in a built HTML page: inline script bodies, style attributes and <style> elements.

/** One thing in the page that `script-src 'self'; style-src 'self'` would refuse, with its line number. */
export interface InlineViolation {
  readonly line: number;
  readonly kind: 'inline-script' | 'style-attribute' | 'style-element' | 'event-handler';
  readonly excerpt: string;
}

const lineOf = (html: string, index: number): number => html.slice(0, index).split('\n').length;

/** Every inline script body, `style=` attribute, `<style>` element and `on...=` handler in `html`, in page order. */
export function inlineViolations(html: string): InlineViolation[] {
  // Comments may mention any of these words; they are not part of the page.
  const page = html.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ' '));
  const found: InlineViolation[] = [];
  const add = (kind: InlineViolation['kind'], index: number, text: string) =>
    found.push({ kind, line: lineOf(page, index), excerpt: text.trim().slice(0, 80) });
  for (const match of page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi)) {
    if (match[1]!.trim() !== '') add('inline-script', match.index, match[0]);
  }
  for (const match of page.matchAll(/<style\b[^>]*>/gi)) add('style-element', match.index, match[0]);
  for (const tag of page.matchAll(/<[a-z][^>]*>/gi)) {
    for (const attribute of tag[0].matchAll(/\s(style|on[a-z]+)\s*=/gi)) {
      add(attribute[1]!.toLowerCase() === 'style' ? 'style-attribute' : 'event-handler', tag.index + attribute.index, tag[0]);
    }
  }
  return found.sort((a, b) => a.line - b.line);
}
