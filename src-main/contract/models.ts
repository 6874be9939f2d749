import { z } from 'zod';

export const ModelStatusSchema = z.object({
  id: z.string(),
  task: z.string(),
  title: z.string(),
  description: z.string(),
  licence: z.string(),
  source: z.string(),
  default: z.boolean(),
  /** Folder the model lives in (or would be downloaded to). */
  dir: z.string(),
  installed: z.boolean(),
  /** Files of the model not present yet (relative paths). */
  missing: z.array(z.string()),
  /** Approximate total size, for display and disk planning. */
  approxBytes: z.number(),
  /** Whether the studio can download it; otherwise `exportCommand` says how to produce it. */
  downloadable: z.boolean(),
  exportCommand: z.string().nullable(),
});
export type ModelStatus = z.infer<typeof ModelStatusSchema>;
