import { z } from 'zod';
import { JobIdSchema, UploadIdSchema } from './ids';
import { AppInfoSchema } from './app-info';
import { JobSchema, jobSchemaOf } from './jobs';
import { ModelRecommendationSchema, ModelStatusSchema, PrecisionSchema } from './models';
import { TokenCountParamsSchema, TokenCountSchema } from './text';
import { SettingsSchema, SettingsViewSchema } from './settings';
import { AddPhotosRequestSchema, ConceptFileSchema, ConceptNameSchema, ConceptSchema, TeachRequestSchema } from './concepts';
import { CropRequestSchema, EditCapabilitiesSchema, ExportRequestSchema, ExportResultSchema, ProjectSummarySchema, ProjectViewSchema, RecipeSchema, RunTurnSchema, SaveToLibraryRequestSchema, SaveToLibraryResultSchema } from './edit';
import { GroundedRecipeSchema, GroundedTurnSchema, NeighboursQuerySchema, NeighboursResultSchema } from './grounding';
import { ComposedQuerySchema, ComposedResultSchema, ComposerInfoSchema, SavedQuerySchema } from './compose';
import { albumMethods } from './albums';
import { duplicateMethods } from './duplicates';
import { FacetsSchema, FiltersSchema, ItemDetailSchema, ItemsUpdateSchema, LibraryItemSchema, LibraryStatusSchema, PlaceSchema, RootSchema, SearchQuerySchema, SearchResultSchema } from './library';

const NoParams = z.object({}).strict();

interface MethodSpec<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
  summary: string;
}

function method<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

/** Every method the engine offers, to Electron and to the browser alike. */
export const methods = {
  'app.info': method({
    params: NoParams,
    result: AppInfoSchema,
    summary: 'Version, platform, data dir, engine status and ONNX Runtime execution providers.',
  }),
  'jobs.list': method({
    params: NoParams,
    result: z.array(JobSchema),
    summary: 'Running, queued and recently finished jobs, newest first.',
  }),
  'jobs.cancel': method({
    params: z.object({ id: JobIdSchema }).strict(),
    result: JobSchema,
    summary: 'Cancel a queued or running job; returns its state after the request.',
  }),
  'jobs.pause': method({
    params: z.object({ id: JobIdSchema }).strict(),
    result: JobSchema,
    summary: 'Pause a running, pausable job at its next step; it keeps its place.',
  }),
  'jobs.resume': method({
    params: z.object({ id: JobIdSchema }).strict(),
    result: JobSchema,
    summary: 'Resume a paused job.',
  }),
  'diagnostics.diskCheck': method({
    params: z.object({ megabytes: z.number().int().min(1).max(8192) }).strict(),
    result: jobSchemaOf('diagnostics.disk-check'),
    summary: 'Start a job that writes, syncs, reads back and verifies data in the data dir, measuring its speed.',
  }),
  'models.list': method({
    params: NoParams,
    result: z.array(ModelStatusSchema),
    summary: 'Every model the studio knows, with where it lives and whether it is installed.',
  }),
  'models.download': method({
    params: z.object({ id: z.string().min(1).max(100), variant: PrecisionSchema.optional() }).strict(),
    result: jobSchemaOf('models.download'),
    summary: 'Start (or resume) downloading a model’s missing files (of the variant in use, or the one named) as a job; verified, resumable, cancellable.',
  }),
  'models.recommend': method({
    params: NoParams,
    result: ModelRecommendationSchema,
    summary: 'A set of models for this machine (from its execution provider, memory and free disk), for the first-run guide.',
  }),
  'text.tokens': method({
    params: TokenCountParamsSchema,
    result: TokenCountSchema,
    summary: 'How a text tokenizes for a model’s text encoder: ids, tokens, and the count against the 75-token limit.',
  }),
  'settings.get': method({
    params: NoParams,
    result: SettingsViewSchema,
    summary: 'The saved settings, what is in effect, and which are fixed by flags or environment variables.',
  }),
  'settings.update': method({
    params: SettingsSchema.partial().strict(),
    result: SettingsViewSchema,
    summary: 'Change and save settings; takes effect at once.',
  }),
  'library.roots.list': method({
    params: NoParams,
    result: z.array(RootSchema),
    summary: 'The library folders with their file counts.',
  }),
  'library.roots.add': method({
    params: z.object({ path: z.string().min(1).max(4096) }).strict(),
    result: z.object({ root: RootSchema, job: jobSchemaOf('library.refresh') }),
    summary: 'Add a folder to the library and start indexing it.',
  }),
  'library.roots.remove': method({
    params: z.object({ id: z.number().int() }).strict(),
    result: z.object({ removed: z.literal(true) }),
    summary: 'Remove a folder from the library (the photos themselves are not touched).',
  }),
  'library.refresh': method({
    params: NoParams,
    result: jobSchemaOf('library.refresh'),
    summary: 'Rescan every folder and index what is new or changed, as a job (returns the running one if any).',
  }),
  'library.status': method({
    params: NoParams,
    result: LibraryStatusSchema,
    summary: 'Counts of indexed, pending and failed files (with reasons), and the state of the vector index.',
  }),
  'library.search': method({
    params: SearchQuerySchema,
    result: SearchResultSchema,
    summary: 'Search by words (image content and names), or “more like” an item, with filters and paging.',
  }),
  'library.item': method({
    params: z.object({ id: z.number().int() }).strict(),
    result: ItemDetailSchema,
    summary: 'Everything the library knows about one file.',
  }),
  'library.tags.set': method({
    params: z.object({ id: z.number().int(), tags: z.array(z.string().min(1).max(100)).max(100) }).strict(),
    result: ItemDetailSchema,
    summary: 'Replace an item’s tags.',
  }),
  'library.view': method({
    params: z.object({ id: z.number().int() }).strict(),
    result: z.object({ url: z.string(), width: z.number().int(), height: z.number().int() }),
    summary: 'A large rendition of a photo for the full-size viewer (url relative to the thumbnail route; at most 4096 px).',
  }),
  'library.items.update': method({
    params: ItemsUpdateSchema,
    result: z.object({ updated: z.number().int() }),
    summary: 'Rate (0–5 stars), pick or reject, and add or remove tags on many photos at once.',
  }),
  'library.duplicates': method({
    params: NoParams,
    result: z.array(z.array(LibraryItemSchema)),
    summary: 'Groups of files with identical content.',
  }),
  'library.nearDuplicates': method({
    params: NoParams,
    result: jobSchemaOf('library.near-duplicates'),
    summary: 'Start a job that groups near-identical photos by their vectors; the groups are its result.',
  }),
  'library.facets': method({
    params: NoParams,
    result: FacetsSchema,
    summary: 'What the library can be filtered by: cameras, formats, date range, folders.',
  }),
  'library.places': method({
    params: z.object({ filters: FiltersSchema.optional() }).strict(),
    result: z.array(PlaceSchema),
    summary: 'Indexed photos that carry GPS coordinates (with the filters), for the map: id, name, thumbnail, latitude, longitude.',
  }),
  'search.compose': method({
    params: ComposedQuerySchema,
    result: ComposedResultSchema,
    summary: 'Composed search: a reference image (with an optional region) + texts in order − a negative text, weighted; conditions are cached so weight changes re-rank without re-encoding.',
  }),
  'search.composers': method({
    params: NoParams,
    result: z.array(ComposerInfoSchema),
    summary: 'The composers, whether each can run now (and why not), and their default weights.',
  }),
  'search.saved.list': method({
    params: NoParams,
    result: z.array(SavedQuerySchema),
    summary: 'Saved composed queries, newest first.',
  }),
  'search.saved.save': method({
    params: z.object({ name: z.string().trim().min(1).max(200), query: ComposedQuerySchema }).strict(),
    result: SavedQuerySchema,
    summary: 'Save a composed query under a name (a name saved again is replaced).',
  }),
  'search.saved.remove': method({
    params: z.object({ id: z.number().int() }).strict(),
    result: z.object({ removed: z.literal(true) }),
    summary: 'Delete a saved query.',
  }),
  'edit.capabilities': method({
    params: NoParams,
    result: EditCapabilitiesSchema,
    summary: 'Which edit pipelines have their models installed, and the execution provider.',
  }),
  'edit.projects.list': method({ params: NoParams, result: z.array(ProjectSummarySchema), summary: 'Edit projects, most recently changed first.' }),
  'edit.projects.create': method({
    params: z
      .object({
        reference: z.union([
          z.object({ itemId: z.number().int() }).strict(),
          z.object({ uploadId: UploadIdSchema }).strict(),
          z.object({ blank: z.object({ width: z.number().int().min(64).max(2048), height: z.number().int().min(64).max(2048) }).strict() }).strict(),
        ]),
        name: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    result: ProjectViewSchema,
    summary: 'Start a project from a library photo, a dropped picture or a blank canvas (sized to what the models take).',
  }),
  'edit.projects.open': method({ params: z.object({ id: z.number().int() }).strict(), result: ProjectViewSchema, summary: 'A project with its whole turn tree.' }),
  'edit.projects.rename': method({
    params: z.object({ id: z.number().int(), name: z.string().trim().min(1).max(120) }).strict(),
    result: ProjectViewSchema,
    summary: 'Rename a project (its exports take the new name).',
  }),
  'edit.projects.delete': method({ params: z.object({ id: z.number().int() }).strict(), result: z.object({ removed: z.literal(true) }), summary: 'Delete a project and its files.' }),
  'edit.turns.run': method({ params: RunTurnSchema, result: jobSchemaOf('edit.turn'), summary: 'Run a turn as a job (per-step previews arrive as edit.step events); its result is the new turn.' }),
  'edit.crop': method({ params: CropRequestSchema, result: ProjectViewSchema, summary: 'Crop a turn at full resolution as a new “Crop” turn (no model runs); its box is kept for export and replay.' }),
  'edit.cursor.set': method({ params: z.object({ projectId: z.number().int(), turnId: z.number().int() }).strict(), result: ProjectViewSchema, summary: 'Make a turn current.' }),
  'edit.undo': method({ params: z.object({ projectId: z.number().int() }).strict(), result: ProjectViewSchema, summary: 'Move the cursor to the parent turn.' }),
  'edit.redo': method({ params: z.object({ projectId: z.number().int() }).strict(), result: ProjectViewSchema, summary: 'Move the cursor to the child turn visited last.' }),
  'edit.turns.rename': method({
    params: z.object({ turnId: z.number().int(), label: z.string().trim().max(100) }).strict(),
    result: ProjectViewSchema,
    summary: 'Name a turn (an empty name clears it).',
  }),
  'edit.turns.delete': method({ params: z.object({ turnId: z.number().int() }).strict(), result: ProjectViewSchema, summary: 'Delete a turn and every turn after it on its branch.' }),
  'edit.export': method({
    params: ExportRequestSchema,
    result: ExportResultSchema,
    summary: 'A turn at full size: its change upscaled onto the full-resolution original (outside the mask, the original pixels), as PNG, JPEG or WebP.',
  }),
  'edit.saveToLibrary': method({
    params: SaveToLibraryRequestSchema,
    result: SaveToLibraryResultSchema,
    summary: 'Save a turn at full size into a library folder under a new name (never over a file); the library indexes it.',
  }),
  'edit.recipe': method({ params: z.object({ turnId: z.number().int() }).strict(), result: RecipeSchema, summary: 'The recipe that replays the chain up to a turn.' }),
  'grounding.neighbours': method({ params: NeighboursQuerySchema, result: NeighboursResultSchema, summary: 'The k neighbours of a prompt: a named concept’s photos first, then the library by CLIP and names (fused).' }),
  'grounding.turn': method({ params: GroundedTurnSchema, result: jobSchemaOf('edit.turn'), summary: 'Run a grounded turn (create from neighbours, or edit grounded in them) as a job; its result is the new turn.' }),
  'grounding.recipe': method({ params: z.object({ turnId: z.number().int() }).strict(), result: GroundedRecipeSchema, summary: 'The recipe that replays a grounded turn bit for bit (neighbours by content hash).' }),
  'concepts.list': method({ params: NoParams, result: z.array(ConceptSchema), summary: 'Personal concepts, newest first.' }),
  'concepts.teach': method({
    params: TeachRequestSchema,
    result: jobSchemaOf('concepts.teach'),
    summary: 'Teach a concept from 3–5 photos under a parent word, as a job (progress: concepts.progress events); its result is the concept.',
  }),
  'concepts.addPhotos': method({
    params: AddPhotosRequestSchema,
    result: jobSchemaOf('concepts.teach'),
    summary: 'Add photos to a concept and retrain it (its stored photos plus the new, 8 at most), as a job; the old token stays until it finishes.',
  }),
  'concepts.rename': method({ params: z.object({ id: z.number().int(), name: ConceptNameSchema }).strict(), result: ConceptSchema, summary: 'Rename a concept (its *name).' }),
  'concepts.delete': method({ params: z.object({ id: z.number().int() }).strict(), result: z.object({ removed: z.literal(true) }), summary: 'Delete a concept.' }),
  'concepts.export': method({ params: z.object({ id: z.number().int() }).strict(), result: ConceptFileSchema, summary: 'A concept as a small JSON file.' }),
  'concepts.import': method({
    params: z.object({ file: z.unknown(), name: ConceptNameSchema.optional() }).strict(),
    result: ConceptSchema,
    summary: 'Add a concept from an exported file (optionally under another name).',
  }),
  'concepts.previews': method({
    params: z.object({ name: ConceptNameSchema, seed: z.number().int().min(0).max(2 ** 31 - 1).default(0) }).strict(),
    result: jobSchemaOf('concepts.previews'),
    summary: 'Grounded creations of "*name" from its photos (one per seed from seed on), as a cancelable job; its result is { name, previews: [{ seed, image }] }.',
  }),
  'concepts.gairAuto': method({
    params: z.object({ text: z.string().min(1).max(1000) }).strict(),
    result: z.object({ w: z.number(), scores: z.array(z.object({ w: z.number(), score: z.number() })), method: z.enum(['generated', 'retrieval']), proxy: z.string() }),
    summary: 'Pick the GAIR weight w for a query that names a concept (Algorithm 1 on generated images when the instruction model is installed, else on retrieved photos).',
  }),
  ...albumMethods,
  ...duplicateMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodParams<M extends MethodName> = z.input<Methods[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<Methods[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
