import { AppError, WireErrorSchema, type ErrorCode, type WireError } from './errors';

/** Where an error's action takes the user: a place in the studio a renderer can open. */
export const HELP_PLACES = ['settings.models', 'settings.data', 'settings.library', 'library'] as const;
export type HelpPlace = (typeof HELP_PLACES)[number];

export interface ErrorHelp {
  /** A few words a designer understands. */
  title: string;
  /** One sentence: what it means for them, and what to do. */
  explanation: string;
  /** The one thing to do about it, as a button that opens the place to do it. */
  action?: { label: string; place: HelpPlace };
}

/** Every error code with its explanation: a code added to ERROR_CODES without one does not compile. */
export const errorHelp: Record<ErrorCode, ErrorHelp> = {
  BAD_FRAME: { title: 'The studio did not understand a request', explanation: 'The window and the engine are out of step; reload the window.' },
  UNKNOWN_METHOD: { title: 'The engine does not offer this', explanation: 'The window and the engine come from different versions; restart the studio.' },
  INVALID_PARAMS: { title: 'That value cannot be used', explanation: 'Check the highlighted value and try again.' },
  NOT_FOUND: { title: 'It is no longer there', explanation: 'It was removed, renamed or moved since it was shown; refresh and try again.' },
  CONFLICT: { title: 'Not possible right now', explanation: 'Something else is under way; wait for it to finish, or cancel it in the job tray.' },
  CANCELLED: { title: 'Cancelled', explanation: 'The work stopped before it finished; nothing half-done was kept.' },
  UNAVAILABLE: { title: 'Not available here', explanation: 'This part of the studio cannot run with the current setup.' },
  INSUFFICIENT_SPACE: {
    title: 'The disk is full',
    explanation: 'There is not enough free space in the data folder; free some space or move the data folder to a larger disk.',
    action: { label: 'Open data folder settings', place: 'settings.data' },
  },
  IO_ERROR: {
    title: 'A file could not be read or written',
    explanation: 'The disk or folder refused; check that it is connected and writable.',
    action: { label: 'Open data folder settings', place: 'settings.data' },
  },
  BAD_IMAGE: { title: 'This picture cannot be opened', explanation: 'The file is damaged or is not a picture the studio reads; try another file.' },
  MODEL_MISSING: {
    title: 'A model is not installed',
    explanation: 'This needs a model that is not on this computer yet; install it in Settings.',
    action: { label: 'Install a model', place: 'settings.models' },
  },
  MODEL_MISMATCH: {
    title: 'A model does not fit',
    explanation: 'An installed model is not the kind this needs, or does not match the others; check the models in Settings.',
    action: { label: 'Check the models', place: 'settings.models' },
  },
  DOWNLOAD_FAILED: {
    title: 'The download failed',
    explanation: 'The model could not be downloaded or did not verify; check the connection and try again (it resumes).',
    action: { label: 'Open models', place: 'settings.models' },
  },
  INTERNAL: { title: 'Something went wrong', explanation: 'The studio hit an unexpected problem and logged the details; try again, and report it if it repeats.' },
};

/** An error as the UI shows it: the explanation of its code, the specific message as detail, and the action if any. */
export interface Problem extends ErrorHelp {
  code: ErrorCode;
  detail: string;
}

/** Explains anything that was thrown or came back failed: AppErrors and wire errors by their code, anything else as INTERNAL. */
export function explainError(error: unknown): Problem {
  const wire = toWire(error);
  const help = errorHelp[wire.code];
  return { code: wire.code, ...help, detail: wire.message };
}

function toWire(error: unknown): WireError {
  if (error instanceof AppError) return error.toJSON();
  // A wire error (a failed job's), or an error object that carries a contract code.
  const wire = WireErrorSchema.safeParse(error instanceof Error ? { code: (error as { code?: unknown }).code, message: error.message } : error);
  if (wire.success) return wire.data;
  const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return { code: 'INTERNAL', message };
}
