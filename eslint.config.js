// Lint rules: typescript-eslint's recommended set over all TypeScript, with the project's conventions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.ci/out/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value='electron'][importKind!='type']", message: "import 'electron' only in main/app and main/preload" },
      ],
    },
  },
  {
    files: ['main/app/**', 'main/preload/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
