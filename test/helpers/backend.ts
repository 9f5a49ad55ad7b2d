import { selectBackend } from '../../src/model/backend.js';

/** Tests run on the backend the product uses here (wasm, multi-threaded). */
export async function useTestBackend(): Promise<void> {
  await selectBackend();
}
