// Lint catches the two Temporal bugs types don't: a forgotten `await` on an SDK call, and
// non-deterministic Node APIs creeping into workflow code (which runs in the workflow sandbox).
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'http2', 'net', 'process', 'timers', 'util', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/', 'public/vendor/', '.cache/', '.temporal/', 'test-results/', 'bench-results/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/cart/api.ts', 'src/cart/workflows.ts', 'src/fulfilment/api.ts', 'src/fulfilment/workflows.ts', 'src/idempotence/api.ts', 'src/idempotence/workflows.ts', 'src/warehouse/workflows.ts', 'src/temporal/contract.ts', 'src/nexus/api.ts', 'src/metrics/names.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Workflow code must stay deterministic: no Node built-ins.' })),
          patterns: [{ group: ['**/activities/*', '!**/activities/*.js'], message: 'Import activities with `import type` only.' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflow code reads no environment: pass settings as input.' }],
      'no-restricted-properties': [
        'error',
        // Date.now() is deterministic inside the SDK's workflow sandbox; randomness should be explicit (uuid4()).
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow for randomness.' },
      ],
    },
  },
);
