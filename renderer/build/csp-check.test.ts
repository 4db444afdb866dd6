// The built screen page must pass the server's CSP: no inline script, no inline style.
import { describe, expect, it } from 'vitest';
import { inlineViolations } from './csp-check.ts';

describe('inlineViolations', () => {
  it('accepts a page whose scripts and styles are all files', () => {
    const html = `<!doctype html>
<!-- a comment may say style="x" and <script>alert(1)</script> -->
<html><head>
<script type="module" crossorigin src="/bundle/screen-abc.js"></script>
<link rel="stylesheet" crossorigin href="/bundle/screen-abc.css">
</head><body data-style="x"></body></html>`;
    expect(inlineViolations(html)).toEqual([]);
  });

  it('finds inline scripts, style attributes, style elements and event handlers, with their lines', () => {
    const html = `<html>
<head><script>window.x = 1</script><style>body{}</style></head>
<body style="margin:0" onload="go()">
<div STYLE = "color:red"></div>
</body></html>`;
    expect(inlineViolations(html).map(({ line, kind }) => `${line} ${kind}`)).toEqual([
      '2 inline-script',
      '2 style-element',
      '3 style-attribute',
      '3 event-handler',
      '4 style-attribute',
    ]);
  });
});
