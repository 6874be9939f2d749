import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AppError, SearchQuerySchema } from '@contract';
import { LOCATION_OPTIONS, locationFlags, resolveLocations } from '../engine/config/locations';
import { phaseDone, phaseTimings, PHASE_TIMINGS_PREFIX, type Services } from '../engine/app-services';
import { callDirect, createDispatcher } from '../host/dispatcher';
import { serviceHandlers } from '../host/handlers';
import { composedSearch, isComposed } from './commands-compose';
import { conceptCommands } from './commands-concept';
import { editCommands } from './commands-edit';
import { groundingCommands } from './commands-grounding';
import { libraryCommands } from './commands-library';
import { albumCommands } from './commands-albums';
import { evalCommands } from './commands-eval';
import { quantizeCommands } from './commands-quantize';
import { textCommands } from './commands-text';
import { modelCommands } from './commands-models';
import { type Command, follow, numberOf, print, readUserFile, reportJob, searchFilters } from './shared';
import { openForCommand } from './start-engine';
import { errorText } from './error-text';

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  info                   version, data dir, engine status and inference providers
  disk-check [--mb N]    write, sync, read back and verify N MB in the data dir (default 256); reports speeds
  models list            the models the studio knows: variants, where they live, installed, how verified (--json: per
                         file whether its sha256 is pinned in the manifest or verified against the host)
  models download ID [--variant fp32|fp16|int8]
                         download (or resume) a model's missing files, pinned to the manifest's commit and verified
  models variant ID [fp32|fp16|int8|auto]
                         show or choose the precision variant a model runs in (a CLIP change re-embeds the library)
  models check [ID] [--photos DIR] [--steps N]
                         run the installed models (or ID) on this machine: tokenizer vs reference ids, CLIP zero-shot
                         top-1 on captioned photos, a seeded 256-px SD turn, speed; exits 1 on hard failures only
  index FOLDER           add FOLDER to the library (if new) and index it: metadata, thumbnails, CLIP vectors
  index                  rescan every library folder and index what changed
  search "TEXT"          search the library by words (--limit N, default 20); --json: [{path, score}]
  search --image FILE    search the library by an image
  search --like ID       more like a library item
  search --image FILE --text "MOD" [--text "MOD2" …] [--negative "…"] [--mask PNG] [--wi X --wt Y] [--composer sum|combiner|gated|compodiff] [--steps N] [--seed N]
                         composed search: the reference changed by the texts in order, away from the negative text,
                         only the region the mask marks white may change; --like ID works as the reference too
                         filters: --folder DIR --from DATE --to DATE --camera NAME --format jpeg|png|… --orientation landscape|portrait|square
  tokens "TEXT" [--model ID]
                         how TEXT tokenizes for a text encoder (default: the library's CLIP): ids, tokens and the
                         count against the 75-token limit (A1111's N/75, start and end tokens not counted);
                         --json: {model, tokenizer, ids, tokens, count, limit, dropped}
  quantize MODEL_DIR [--only vision_model,…]
                         8-bit variants beside a model folder's fp32 files (onnx/NAME_quantized.onnx), made the way
                         ONNX Runtime's dynamic quantizer makes them (DynamicQuantizeLinear + MatMulInteger)
  item PATH              a photo's stored metadata: size, date, camera, lens, exposure, GPS, title, tags, rating
  tag PATH --add WORD [--remove WORD]
                         add (or remove) tags on a photo; repeat --add for several
  albums list | albums create NAME [PHOTO…] | albums add|remove NAME PHOTO… | albums rename NAME NEW | albums delete NAME
                         albums (collections) by name, photos by path; deleting an album keeps its photos
  status                 counts of indexed, pending and failed files (with reasons)
  verify                 check the vector index against the database and repair it
  edit --image FILE --instruction "…" --out FILE.png|.jpg|.webp [--quality 1-100] [--recipe-out JSON] [--mask PNG] [--negative "…"] [--seed N] [--steps N]
                         [--text-guidance X] [--image-guidance Y] [--strength S] [--scheduler ddim|euler-ancestral|dpmpp-2m]
                         one edit turn, headless; --out gets the result at the original's full size (the change
                         upscaled onto the original; outside the mask its pixels unchanged). The project also
                         appears in the studio's Edit area
  edit … --ground auto|PATH,… [--eta X] [--guidance G] [--k N] [--mix mean|turns]
                         edit grounded in neighbours: the picture stays the source, the neighbours steer its look
  generate "TEXT" [--neighbors auto|PATH,…] [--k 3] [--eta 0.5] [--guidance 7.5] [--steps N] [--seed N]
           [--width W --height H] [--mix mean|turns] --out PNG [--recipe-out JSON]
                         create from neighbours (Re-Imagen's interleaved guidance on the instruction-edit model);
                         auto: concept photos (*name) first, then the library by CLIP and names
  replay RECIPE.json --out PNG
                         replays a recipe (edit turns or a grounded run); says whether it matches bit for bit
  concept teach --name NAME --parent WORD PHOTO… [--seed N] [--generate-negatives]
                         learn a personal concept (*NAME) from 3–5 photos; prints it, its nearest attribute words and stats
  concept list | concept export NAME --out FILE | concept import FILE [--name NAME]
  search "*NAME on a table" [--gair-w X] [--gair-auto]
                         a text query that names a concept; --gair-w mixes in its attribute words (1 = token only)
  eval cirr|fashioniq|pervl --data DIR [--split val] [--images DIR] [--composer LIST|all] [--wi X --wt Y] [--steps N]
                         [--limit N] [--categories a,b] [--submission DIR] [--cache DIR] [--out DIR] [--dimensions K (pervl)]
                         Recall@K / MRR tables beside text-only and image-only baselines (also: npm run eval -- …)
  eval grounding [--guidance G] [--steps N]
                         grounded generation on the fixture world: the η curve (CLIP similarity to neighbours and
                         to prompt), plain CFG vs interleaved guidance, mean latent vs one neighbour per step

Options for every command:
  --data-dir DIR         where the studio keeps its data (or STUDIO_DATA_DIR)
  --models-dir DIR       where models live (or STUDIO_MODELS_DIR; default <data-dir>/models)
  --model-mirror URL     download models from this mirror, Hugging Face layout (or STUDIO_MODEL_MIRROR)
  --allow-insecure-mirror  accept a plain-http mirror on another machine (or STUDIO_ALLOW_INSECURE_MIRROR=1)
  --json                 machine-readable output on stdout (progress still goes to stderr)
  -h, --help             show this help`;


const commands: Record<string, Command> = {
  ...conceptCommands,
  ...evalCommands,
  ...editCommands,
  ...textCommands,
  ...quantizeCommands,
  ...groundingCommands,
  ...modelCommands,
  ...libraryCommands,
  ...albumCommands,
  info: async (dispatch, _engine, opts) => {
    const info = await callDirect(dispatch, 'app.info', {});
    const providers = info.inference.providers.map((p) => `${p.name}${p.available ? '' : ' (unavailable)'}`).join(', ');
    print(
      opts,
      info,
      [
        `${info.name} ${info.version} on ${info.platform.os}/${info.platform.arch}, Node ${info.runtime.node}`,
        `Data dir:   ${info.dataDir}`,
        `Engine:     ${info.engine.status}${info.engine.problems.map((p) => `\n  - ${p}`).join('')}`,
        `Inference:  ONNX Runtime ${info.inference.onnxRuntimeVersion ?? 'not loaded'}; providers ${providers}`,
        `Selected:   ${info.inference.selected ?? 'none'} — ${info.inference.reason}`,
      ].join('\n'),
    );
  },
  'disk-check': async (dispatch, engine, opts) => {
    const megabytes = numberOf(opts.values, 'mb') ?? 256;
    const job = await follow(engine, await callDirect(dispatch, 'diagnostics.diskCheck', { megabytes }));
    reportJob(opts, job);
  },
  index: async (dispatch, engine, opts) => {
    const [folder] = opts.args;
    if (folder) {
      const abs = resolve(folder);
      const known = engine.library.listRoots().find((r) => r.path === abs);
      if (!known) await callDirect(dispatch, 'library.roots.add', { path: abs });
    }
    if (!(await engine.clip.get())) {
      process.stderr.write(`Note: ${engine.models.status(engine.settings.view().effective.clipModel).title} is not installed, so images get metadata and thumbnails but no search vectors yet.\n`);
    }
    const job = await follow(engine, await callDirect(dispatch, 'library.refresh', {}));
    reportJob(opts, job);
  },
  search: async (dispatch, engine, opts) => {
    if (isComposed(opts.values)) return composedSearch(dispatch, engine, opts);
    const limit = numberOf(opts.values, 'limit') ?? 20;
    const image = typeof opts.values.image === 'string' ? opts.values.image : undefined;
    const text = opts.args.join(' ');
    const like = numberOf(opts.values, 'like');
    if (!image && !text && like === undefined) throw new AppError('INVALID_PARAMS', 'Usage: search "TEXT" | search --image FILE | search --like ID');
    const filters = searchFilters(opts.values);
    let result;
    if (like !== undefined) {
      result = await callDirect(dispatch, 'library.search', { likeId: like, limit, filters });
      phaseDone('query');
    } else if (image) {
      // The engine's own path for a dropped picture (the model-switch fallback included), read as a regular file only;
      // nothing is stored, so it works on a read-only data folder too.
      const query = SearchQuerySchema.safeParse({ limit, filters });
      if (!query.success) throw new AppError('INVALID_PARAMS', `Invalid parameters for library.search: ${z.prettifyError(query.error)}`);
      result = await engine.search.byImage(await readUserFile(image), query.data);
    } else {
      let gairW = numberOf(opts.values, 'gair-w');
      if (opts.values['gair-auto']) {
        const auto = await callDirect(dispatch, 'concepts.gairAuto', { text });
        gairW = auto.w;
        process.stderr.write(`GAIR: w = ${auto.w} (${auto.method}: ${auto.proxy})\n`);
      }
      result = await callDirect(dispatch, 'library.search', { text, limit, filters, ...(gairW !== undefined ? { gairW } : {}) });
    }
    const rows = result.items.map((i) => ({ path: i.path, score: i.score === null ? null : Math.round(i.score * 1e4) / 1e4 }));
    if (result.note) process.stderr.write(`Note: ${result.note}\n`);
    print(opts, rows, rows.map((r) => `${r.score === null ? '     ' : r.score.toFixed(3)}  ${r.path}`).join('\n') || 'No matches.');
    phaseDone('output');
  },
  status: async (dispatch, _engine, opts) => {
    const s = await callDirect(dispatch, 'library.status', {});
    const lines = [
      `Folders: ${s.roots}   files: ${s.files}   indexed: ${s.indexed}   pending: ${s.pending}   failed: ${s.failed.length}   unsupported: ${s.unsupported.length}`,
      `Vectors (${s.model.id}${s.model.installed ? '' : ', not installed'}): ${s.embedded} embedded, ${s.pendingEmbeddings} to do`,
      ...s.failed.map((f) => `  failed: ${f.path} — ${f.reason}`),
      ...s.unsupported.map((f) => `  unsupported: ${f.path} — ${f.reason}`),
    ];
    print(opts, s, lines.join('\n'));
  },
  verify: async (_dispatch, engine, opts) => {
    const report = await engine.library.verify();
    print(opts, { report }, `Vector index: ${report}`);
  },
};

async function main(): Promise<void> {
  phaseDone('entry modules loaded');
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        ...LOCATION_OPTIONS,
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        mb: { type: 'string' },
        limit: { type: 'string' },
        image: { type: 'string' },
        like: { type: 'string' },
        folder: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        camera: { type: 'string' },
        format: { type: 'string' },
        orientation: { type: 'string' },
        text: { type: 'string', multiple: true },
        negative: { type: 'string' },
        mask: { type: 'string' },
        wi: { type: 'string' },
        wt: { type: 'string' },
        wn: { type: 'string' },
        composer: { type: 'string' },
        steps: { type: 'string' },
        seed: { type: 'string' },
        data: { type: 'string' },
        instruction: { type: 'string' },
        model: { type: 'string' },
        only: { type: 'string' },
        name: { type: 'string' },
        parent: { type: 'string' },
        'gair-w': { type: 'string' },
        'gair-auto': { type: 'boolean' },
        'generate-negatives': { type: 'boolean' },
        dimensions: { type: 'string' },
        'recipe-out': { type: 'string' },
        'text-guidance': { type: 'string' },
        'image-guidance': { type: 'string' },
        strength: { type: 'string' },
        scheduler: { type: 'string' },
        split: { type: 'string' },
        images: { type: 'string' },
        categories: { type: 'string' },
        submission: { type: 'string' },
        cache: { type: 'string' },
        out: { type: 'string' },
        neighbors: { type: 'string' },
        ground: { type: 'string' },
        k: { type: 'string' },
        eta: { type: 'string' },
        guidance: { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        mix: { type: 'string' },
        variant: { type: 'string' },
        photos: { type: 'string' },
        quality: { type: 'string' },
        add: { type: 'string', multiple: true },
        remove: { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${HELP}\n`);
    process.exit(2);
  }
  const [name, ...args] = parsed.positionals;
  if (parsed.values.help || !name) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`error: unknown command “${name}”.\n\n${HELP}\n`);
    process.exit(2);
  }
  let engine: Services;
  try {
    engine = await openForCommand(name, resolveLocations(locationFlags(parsed.values)));
  } catch (error) {
    process.stderr.write(`error: ${errorText(error)}\n`);
    process.exit(1);
  }
  const dispatch = createDispatcher(serviceHandlers(engine), {
    onInternalError: (error, method) => process.stderr.write(`${method}: ${(error as Error)?.stack ?? String(error)}\n`),
    explain: (error) => engine.app.explainFailure(error),
  });
  try {
    await command(dispatch, engine, { json: parsed.values.json, values: parsed.values, args });
  } catch (error) {
    process.stderr.write(`error: ${errorText(error)}\n`);
    process.exitCode = 1;
  } finally {
    await engine.close();
    phaseDone('engine close');
    const timings = phaseTimings();
    if (timings) process.stderr.write(`${PHASE_TIMINGS_PREFIX}${JSON.stringify(timings)}\n`);
  }
}

void main();

