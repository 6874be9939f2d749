import { z } from 'zod';
import { WireErrorSchema } from './errors';

/** Request ids are chosen by the client; null is only used to answer a frame that had no readable id. */
export const FrameIdSchema = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]);
export type FrameId = z.infer<typeof FrameIdSchema>;

export const RequestFrameSchema = z.object({
  id: FrameIdSchema,
  method: z.string().min(1).max(128),
  params: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof RequestFrameSchema>;

export const ResponseFrameSchema = z.discriminatedUnion('ok', [
  z.object({ id: FrameIdSchema.nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: FrameIdSchema.nullable(), ok: z.literal(false), error: WireErrorSchema }),
]);
export type ResponseFrame = z.infer<typeof ResponseFrameSchema>;

export const EventFrameSchema = z.object({ topic: z.string(), payload: z.unknown() });
export type EventFrame = z.infer<typeof EventFrameSchema>;

/** Anything the host sends to a client. */
export type ServerFrame = ResponseFrame | EventFrame;

export function isEventFrame(frame: ServerFrame): frame is EventFrame {
  return 'topic' in frame;
}

/** Largest frame a host accepts, in bytes; binary data travels as URLs, never inside frames. */
export const MAX_FRAME_BYTES = 1024 * 1024;
