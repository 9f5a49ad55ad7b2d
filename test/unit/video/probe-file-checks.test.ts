import { afterEach, describe, expect, it, vi } from 'vitest';

const fsMock = vi.hoisted(() => ({
  stat: vi.fn(),
  open: vi.fn(),
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, stat: fsMock.stat, open: fsMock.open };
});

const { assertReadableMediaFile } = await import('../../../src/video/probe.js');

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: mocked`), { code });
}

const regularFile = (size: number) => ({ isFile: () => true, isDirectory: () => false, size });

afterEach(() => {
  vi.clearAllMocks();
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error as { code?: string }).code,
  );
}

// These cover what cannot be produced for real when the tests run as root (e.g. EACCES).
describe('assertReadableMediaFile error mapping', () => {
  it('maps EACCES on open to PERMISSION_DENIED', async () => {
    fsMock.stat.mockResolvedValue(regularFile(100));
    fsMock.open.mockRejectedValue(errno('EACCES'));
    expect(await codeOf(assertReadableMediaFile('/x/secret.mp4'))).toBe('PERMISSION_DENIED');
  });

  it('maps EACCES / EPERM on stat to PERMISSION_DENIED', async () => {
    fsMock.stat.mockRejectedValue(errno('EPERM'));
    expect(await codeOf(assertReadableMediaFile('/x/secret.mp4'))).toBe('PERMISSION_DENIED');
  });

  it('maps ENOENT and ENOTDIR to FILE_NOT_FOUND', async () => {
    fsMock.stat.mockRejectedValueOnce(errno('ENOENT'));
    expect(await codeOf(assertReadableMediaFile('/x/none.mp4'))).toBe('FILE_NOT_FOUND');
    fsMock.stat.mockRejectedValueOnce(errno('ENOTDIR'));
    expect(await codeOf(assertReadableMediaFile('/file/as/dir.mp4'))).toBe('FILE_NOT_FOUND');
  });

  it('checks emptiness after readability', async () => {
    fsMock.stat.mockResolvedValue(regularFile(0));
    fsMock.open.mockResolvedValue({ close: async () => undefined });
    expect(await codeOf(assertReadableMediaFile('/x/empty.mp4'))).toBe('EMPTY_FILE');
  });

  it('accepts a readable non-empty file', async () => {
    fsMock.stat.mockResolvedValue(regularFile(10));
    fsMock.open.mockResolvedValue({ close: async () => undefined });
    await expect(assertReadableMediaFile('/x/ok.mp4')).resolves.toBeUndefined();
  });
});
