// Test runner settings: unit and integration tests beside the code; browser end-to-end specs in e2e/, serially, one Chromium for the run.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const electronStub = fileURLToPath(new URL('./main/app/electron.stub.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { electron: electronStub } },
  test: {
    // The server tests need the built renderer; built once here if missing, never served by Vite.
    globalSetup: ['./e2e/support/build-renderer.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{common,main,renderer,device-drivers,wall-layouts,bin}/**/*.test.ts', '*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['./e2e/support/chromium.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
