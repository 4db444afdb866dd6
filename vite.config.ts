// Builds the renderer pages (screen, console, wall preview) into dist/renderer, served by the wall server under /screen/<id>, /console, /wall and /bundle/.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { inlineViolations } from './renderer/build/csp-check.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Fails the build when a page would break the server's CSP (script-src 'self'; style-src 'self'). */
function noInlineContent(): Plugin {
  return {
    name: 'ioc-wall:no-inline-content',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'asset' || !fileName.endsWith('.html')) continue;
        const violations = inlineViolations(String(output.source));
        if (violations.length > 0) {
          this.error(`${fileName} would break the CSP:\n${violations.map((v) => `  line ${v.line}: ${v.kind}: ${v.excerpt}`).join('\n')}`);
        }
      }
    },
  };
}

export default defineConfig({
  root: here('./renderer'),
  base: '/',
  // Nothing is copied verbatim: fonts and images reach dist through imports, so they get hashed names.
  publicDir: false,
  plugins: [noInlineContent()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    assetsDir: 'bundle',
    // Never inline assets as data: URLs: the CSP allows fonts only from 'self'.
    assetsInlineLimit: 0,
    target: 'es2023',
    sourcemap: true,
    // pixi.js alone is about 500 kB minified, in a chunk of its own that the screen and wall pages share and cache.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: { screen: here('./renderer/screen.html'), console: here('./renderer/console.html'), wall: here('./renderer/wall.html') },
      output: { codeSplitting: { groups: [{ name: 'pixi', test: /node_modules[\\/]pixi\.js/ }] } },
    },
  },
});
