// The few DOM helpers every view uses: elements with classes and children, and bilingual labels (Vietnamese large, English small).
import type { Localised } from './strings.ts';

type Child = Node | string | null | undefined | false;

/** An element with a class list and children; text children become text nodes (never HTML: no injection, nothing the CSP refuses). */
export function element<Tag extends keyof HTMLElementTagNameMap>(tag: Tag, className?: string, ...children: Child[]): HTMLElementTagNameMap[Tag] {
  const created = document.createElement(tag);
  if (className) created.className = className;
  for (const child of children) if (child !== null && child !== undefined && child !== false) created.append(child);
  return created;
}

/** Vietnamese first and larger, English after it, smaller: `<span class="vi">…</span><span class="en">…</span>`. */
export function bilingual(text: Localised, className = 'bilingual'): HTMLSpanElement {
  return element('span', className, element('span', 'vi', text.vi), element('span', 'en', text.en));
}
