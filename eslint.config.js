// ESLint (flat config): TypeScript's recommended rules, and the layer boundaries that docs/architecture.md
// describes. Each folder of src/ may import only the folders listed for it in LAYERS (the folders in
// TYPE_IMPORTS also the types of any other, with `import type`); only src/commands and src/cli may use oclif,
// chalk or cli-progress, or write to the terminal (stdout, stderr, console).
import tseslint from 'typescript-eslint';

/** src/<folder> -> the src folders it may import (besides itself). */
export const LAYERS = {
  util: [],
  model: ['util'],
  video: ['util'],
  faces: ['model', 'util'],
  report: ['model', 'util'],
  metrics: ['report', 'util'],
  scan: ['video', 'faces', 'model', 'report', 'util'],
  dataset: ['faces', 'model', 'video', 'report', 'util'],
  eval: ['scan', 'dataset', 'metrics', 'report', 'model', 'util'],
  train: ['model', 'faces', 'dataset', 'metrics', 'report', 'video', 'util'],
  app: ['scan', 'eval', 'train', 'dataset', 'metrics', 'report', 'model', 'faces', 'video', 'util'],
  cli: ['app', 'scan', 'eval', 'dataset', 'report', 'model', 'video', 'util'],
  commands: ['cli', 'app'],
};

/**
 * src folders that may also import types (`import type`, or only `type` specifiers) from any other: a command
 * names the request's types (a backend name, a label, a variant) when it casts flag values into a request.
 */
export const TYPE_IMPORTS = ['commands'];

const TERMINAL_PACKAGES = ['@oclif/core', '@oclif/*', 'chalk', 'cli-progress'];
const terminalAllowed = new Set(['cli', 'commands']);

const layerBlocks = Object.entries(LAYERS).map(([layer, allowed]) => {
  const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  const terminal = terminalAllowed.has(layer);
  const types = TYPE_IMPORTS.includes(layer);
  const patterns = forbidden.map((other) => ({
    group: [`**/${other}/*`, `**/${other}/**`],
    message: `src/${layer} may not import${types ? ' values from' : ''} src/${other} (layers: docs/architecture.md).`,
    ...(types ? { allowTypeImports: true } : {}),
  }));
  if (!terminal) {
    patterns.push({ group: TERMINAL_PACKAGES, message: `only src/commands and src/cli use oclif, chalk and cli-progress (docs/architecture.md).` });
  }
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      // typescript-eslint's version of the rule tells type imports from value imports.
      [types ? '@typescript-eslint/no-restricted-imports' : 'no-restricted-imports']: ['error', { patterns }],
      ...(terminal
        ? {}
        : {
            'no-console': 'error',
            'no-restricted-properties': [
              'error',
              { object: 'process', property: 'stdout', message: 'only src/commands and src/cli write to the terminal: report through events or return values.' },
              { object: 'process', property: 'stderr', message: 'only src/commands and src/cli write to the terminal: report through events or return values.' },
            ],
          }),
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.bench/**', 'tmp/**', 'models/**', 'fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-control-regex': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  ...layerBlocks,
);
