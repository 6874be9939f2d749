import { AppError, type UploadAnswer } from '@contract';

/**
 * Stores an upload and answers as the contract says, for both hosts: the id, or an error value. AppErrors are written
 * for the user and pass through; anything else could carry paths inside the data folder, so it is logged, not shown.
 */
export async function uploadAnswer(put: () => Promise<string>, onInternalError: (error: unknown) => void = logUploadError): Promise<UploadAnswer> {
  try {
    return { id: await put() };
  } catch (error) {
    if (error instanceof AppError) return { error: error.toJSON() };
    onInternalError(error);
    return { error: { code: 'INTERNAL', message: 'The file could not be stored. The studio logged the details.' } };
  }
}

function logUploadError(error: unknown): void {
  process.stderr.write(`[host] storing an upload failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}
