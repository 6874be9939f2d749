import { z } from 'zod';

/** The fixed list of error codes the UI knows how to explain. */
export const ERROR_CODES = [
  'BAD_FRAME',
  'UNKNOWN_METHOD',
  'INVALID_PARAMS',
  'NOT_FOUND',
  'CONFLICT',
  'CANCELLED',
  'UNAVAILABLE',
  'INSUFFICIENT_SPACE',
  'IO_ERROR',
  'BAD_IMAGE',
  'MODEL_MISSING',
  'MODEL_MISMATCH',
  'DOWNLOAD_FAILED',
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const WireErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

/** An error that crosses the wire as a value: a code, a human message, optional structured details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toJSON(): WireError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromWire(error: WireError): AppError {
    return new AppError(error.code, error.message, error.details);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
