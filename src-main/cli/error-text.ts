import { AppError, errorHelp, type HelpPlace, type WireError } from '@contract';

/** Where the CLI sends the user for each place an error's action opens in the studio (one per place, or it does not compile). */
const CLI_PLACES: Record<HelpPlace, string> = {
  'settings.models': 'List and install models with `npm run cli -- models` (`models download ID`).',
  'settings.data': 'Another data folder can be given with --data-dir.',
  'settings.library': 'Library folders are added with `npm run cli -- index FOLDER`.',
  library: '',
};

/**
 * An error as the CLI prints it: "CODE: message" (what scripts match), then the contract's explanation of the code and
 * what to do here. Anything that is not an AppError is a bug: its stack is printed (the CLI is the user's own log).
 */
export function errorText(error: unknown): string {
  const wire: WireError | null = error instanceof AppError ? error.toJSON() : isWire(error) ? error : null;
  if (!wire) return String((error as Error)?.stack ?? error);
  const help = errorHelp[wire.code];
  const todo = help.action ? CLI_PLACES[help.action.place] : '';
  return `${wire.code}: ${wire.message}\n  ${help.title}. ${help.explanation}${todo ? ` ${todo}` : ''}`;
}

function isWire(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' && value.code in errorHelp && 'message' in value;
}
