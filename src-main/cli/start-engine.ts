import { AppError } from '@contract';
import { isUnwritableDataDir } from '../engine/config/data-folder';
import type { Locations } from '../engine/config/locations';
import { startEngine, type Services } from '../engine/app-services';

/** Commands that only read: they still answer from a data folder that cannot be written. */
export const READ_ONLY_COMMANDS = new Set(['status', 'info', 'search']);

/**
 * Starts the engine for a command. When the data folder cannot be written, a command that only reads opens it read-only
 * (saying so on stderr); any other command stops with an error naming the folder and the cause.
 */
export async function openForCommand(command: string, locations: Locations): Promise<Services> {
  try {
    // A command that only reads leaves the startup cleaning (a walk of the whole data folder) to the next one that writes.
    return await startEngine({ ...locations, host: 'cli', jobConcurrency: 1, housekeeping: !READ_ONLY_COMMANDS.has(command) });
  } catch (error) {
    if (!isUnwritableDataDir(error) || !READ_ONLY_COMMANDS.has(command)) throw error;
    const reason = (error as AppError).message.replace(/^The data folder \S+ cannot be written: /, '').split('.')[0]!;
    process.stderr.write(`Note: the data folder ${locations.dataDir} cannot be written (${reason}); opened read-only, nothing is saved.\n`);
    return startEngine({ ...locations, host: 'cli', jobConcurrency: 1, readOnly: { reason } });
  }
}
