import { explainError, type Problem } from '@contract';

/**
 * Runs one call for a state class: on success its `error` is cleared and the result returned; on failure the error's
 * explanation is kept in `error` (the UI shows it) and the result is null.
 */
export async function attempt<T>(owner: { error: Problem | null }, work: () => Promise<T>): Promise<T | null> {
  try {
    const result = await work();
    owner.error = null;
    return result;
  } catch (error) {
    owner.error = explainError(error);
    return null;
  }
}
