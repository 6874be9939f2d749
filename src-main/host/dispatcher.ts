import {
  AppError,
  isMethodName,
  methods,
  RequestFrameSchema,
  type FrameId,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type ResponseFrame,
  type WireError,
} from '@contract';
import { z } from 'zod';

/** Who is calling; hosts fill it in so handlers can log or scope work. */
export interface CallContext {
  transport: 'ipc' | 'websocket' | 'direct';
}

/** One handler per contract method: a method without a handler does not compile. */
export type Handlers = {
  [M in MethodName]: (params: z.output<(typeof methods)[M]['params']>, ctx: CallContext) => Promise<MethodResult<M>> | MethodResult<M>;
};

export interface DispatcherOptions {
  /** Told about unexpected exceptions (not AppErrors), e.g. to log them; never sent to clients. */
  onInternalError?: (error: unknown, method: string) => void;
  /** Turns an exception the engine can explain (a full disk, a read-only folder) into an AppError; null otherwise. */
  explain?: (error: unknown) => AppError | null;
}

export type Dispatch = (raw: unknown, ctx: CallContext) => Promise<ResponseFrame>;

function fail(id: FrameId | null, error: WireError): ResponseFrame {
  return { id, ok: false, error };
}

function readableId(raw: unknown): FrameId | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
  const parsed = RequestFrameSchema.shape.id.safeParse((raw as { id: unknown }).id);
  return parsed.success ? parsed.data : null;
}

/** Validates every call against the contract, runs its handler, and turns every failure into a typed error value. */
export function createDispatcher(handlers: Handlers, options: DispatcherOptions = {}): Dispatch {
  return async (raw, ctx) => {
    const frame = RequestFrameSchema.safeParse(raw);
    if (!frame.success) {
      return fail(readableId(raw), {
        code: 'BAD_FRAME',
        message: 'A request must be {id, method, params}.',
        details: z.treeifyError(frame.error),
      });
    }
    const { id, method } = frame.data;
    if (!isMethodName(method)) {
      return fail(id, { code: 'UNKNOWN_METHOD', message: `There is no method named “${method}”.`, details: { method } });
    }
    const params = methods[method].params.safeParse(frame.data.params ?? {});
    if (!params.success) {
      return fail(id, {
        code: 'INVALID_PARAMS',
        message: `Invalid parameters for ${method}: ${z.prettifyError(params.error)}`,
        details: { issues: params.error.issues },
      });
    }
    try {
      const handler = handlers[method] as (p: unknown, c: CallContext) => Promise<unknown> | unknown;
      const result = methods[method].result.parse(await handler(params.data, ctx));
      return { id, ok: true, result };
    } catch (error) {
      if (error instanceof AppError) return fail(id, error.toJSON());
      const explained = options.explain?.(error);
      if (explained) return fail(id, explained.toJSON());
      options.onInternalError?.(error, method);
      return fail(id, { code: 'INTERNAL', message: `${method} failed unexpectedly. The studio logged the details.` });
    }
  };
}

/** Typed direct call, for in-process callers (the CLI) that still want the contract's validation. */
export async function callDirect<M extends MethodName>(
  dispatch: Dispatch,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  const response = await dispatch({ id: 0, method, params }, { transport: 'direct' });
  if (!response.ok) throw AppError.fromWire(response.error);
  return response.result as MethodResult<M>;
}
