import { open } from 'node:fs/promises';

/**
 * Flushes a file or a folder to disk. A folder must be flushed after a rename inside it, or a power
 * cut can lose the rename even though the files themselves were flushed.
 *
 * Windows cannot open a folder for flushing (NTFS journals metadata itself), so that case is skipped.
 */
export async function fsyncPath(path: string, kind: 'file' | 'directory'): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // FlushFileBuffers needs a handle open for writing on Windows; 'r+' works everywhere for files.
    handle = await open(path, kind === 'file' ? 'r+' : 'r');
    await handle.sync();
  } catch (error) {
    if (kind === 'directory' && isUnsupportedDirectorySync(error)) return;
    throw error;
  } finally {
    await handle?.close();
  }
}

function isUnsupportedDirectorySync(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EACCES';
}
