import { z } from 'zod';
import { ConceptSchema } from './concepts';
import { ProjectViewSchema } from './edit';
import { LibraryItemSchema } from './library';
import { PrecisionSchema } from './models';

/** What a rescan of the library did. */
export const RefreshSummarySchema = z.object({
  added: z.number().int(),
  changed: z.number().int(),
  removed: z.number().int(),
  moved: z.number().int(),
  indexed: z.number().int(),
  failed: z.number().int(),
  embedded: z.number().int(),
  /** Files or folders that could not be read, with why. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type RefreshSummary = z.infer<typeof RefreshSummarySchema>;

export const DiskCheckResultSchema = z.object({
  megabytes: z.number(),
  /** Sustained write speed with each chunk synced to disk. */
  writeMBps: z.number(),
  /** Read-back speed (often served from the OS cache, so an upper bound). */
  readMBps: z.number(),
  verified: z.boolean(),
});
export type DiskCheckResult = z.infer<typeof DiskCheckResultSchema>;

export const ModelDownloadResultSchema = z.object({ files: z.number().int(), bytes: z.number(), variant: PrecisionSchema });

export const ConceptPreviewsResultSchema = z.object({
  name: z.string(),
  /** PNG data URLs (previews are small and not kept), one per seed. */
  previews: z.array(z.object({ seed: z.number().int(), image: z.string() })),
});

/**
 * Every kind of job the engine runs: what its progress counts and what a finished one returns. Several methods may
 * start the same kind (edit.turns.run and grounding.turn both start an edit.turn); their params live with the methods.
 * A kind added here must be handled by every exhaustive table over JobKind (the renderer's and the CLI's job
 * summaries) before `npm run typecheck` passes; the engine cannot submit a kind missing here.
 */
export const jobKinds = {
  'library.refresh': { unit: 'images', result: RefreshSummarySchema },
  'library.vectors': { unit: 'steps', result: z.object({ report: z.string() }) },
  'library.near-duplicates': { unit: 'photos', result: z.array(z.array(LibraryItemSchema)) },
  'models.download': { unit: 'MB', result: ModelDownloadResultSchema },
  'diagnostics.disk-check': { unit: 'MB', result: DiskCheckResultSchema },
  'concepts.teach': { unit: 'generations', result: ConceptSchema },
  'concepts.previews': { unit: 'pictures', result: ConceptPreviewsResultSchema },
  'edit.turn': { unit: 'steps', result: ProjectViewSchema },
} as const satisfies Record<string, { unit: string; result: z.ZodType }>;

export type JobKinds = typeof jobKinds;
export type JobKind = keyof JobKinds;
export type JobResult<K extends JobKind> = z.output<JobKinds[K]['result']>;
export type JobUnit<K extends JobKind> = JobKinds[K]['unit'];
export const JOB_KINDS = Object.keys(jobKinds) as JobKind[];

/** A table with one entry per job kind, each typed by that kind's result: a missing kind does not compile. */
export type JobKindTable<T> = { [K in JobKind]: (result: JobResult<K>) => T };
