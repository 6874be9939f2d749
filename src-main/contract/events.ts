import type { z } from 'zod';
import { TeachProgressSchema } from './concepts';
import { EditStepSchema } from './edit';
import { JobSchema } from './jobs';

/** Every event the engine pushes to clients. */
export const events = {
  /** A job was queued, progressed, or changed state. */
  'job.progress': JobSchema,
  /** A step of an edit turn finished: a preview of where it is heading. */
  'edit.step': EditStepSchema,
  /** A generation of concept teaching finished: loss curve and the photos the token finds now. */
  'concepts.progress': TeachProgressSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
