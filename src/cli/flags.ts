import { Flags } from '@oclif/core';

/** Flags shared by every command that runs the network. */
export const backendFlags = {
  backend: Flags.string({
    description: 'TF.js backend: tensorflow (needs the optional @tensorflow/tfjs-node), wasm, or cpu (slow; only when asked). Default: tensorflow if installed, else wasm.',
    options: ['tensorflow', 'wasm', 'cpu'],
    helpGroup: 'BACKEND',
  }),
  threads: Flags.integer({
    description: 'Threads for the wasm backend (default: all cores).',
    min: 1,
    helpGroup: 'BACKEND',
  }),
};

export const modelFlag = {
  model: Flags.directory({
    description: 'Model folder (default: the model marked default under models/).',
    exists: false,
  }),
};
