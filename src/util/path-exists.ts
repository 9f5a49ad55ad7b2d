import { access } from 'node:fs/promises';

/** Whether something (file, folder, link target) exists at `filePath` and can be reached. */
export async function pathExists(filePath: string): Promise<boolean> {
  try {
    await access(filePath);
    return true;
  } catch {
    return false;
  }
}
