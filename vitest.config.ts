// Test runner settings: tests beside the code, browser specs in e2e/, and 'electron' replaced by a stub.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { electron: fileURLToPath(new URL('./main/app/electron.stub.ts', import.meta.url)) },
  },
  test: {
    include: ['{common,main,renderer,device-drivers,wall-layouts,bin,e2e}/**/*.test.ts', '*.test.ts'],
    testTimeout: 30_000,
  },
});
