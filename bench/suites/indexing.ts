import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { ensureFixtures, ensureRealSizeClip } from '../../models/fixtures';
import { withMpfPreview } from '../../models/generators/embedded-preview';
import { ClipModel, type ClipFiles } from '../../src-main/engine/clip/clip-model';
import { CLIP_PREPROCESS, preprocessImage } from '../../src-main/engine/clip/preprocess';
import { JobRunner } from '../../src-main/engine/jobs/runner';
import { Library } from '../../src-main/engine/library/library';
import { SessionPool, type SessionPoolOptions } from '../../src-main/engine/models/session-pool';
import { openDatabase } from '../../src-main/engine/storage/db';
import type { Figure } from './figure';
import { twelveMegapixelJpegs } from './twelve-megapixel-photos';

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** The same photos as a camera writes them: each with a 1600×1200 preview in its MPF segment (decoded instead). */
async function withCameraPreviews(files: string[], log: (l: string) => void): Promise<string[]> {
  const dir = join(process.cwd(), 'models', 'fixtures-large', `jpeg-12mp-${files.length}-mpf-preview`);
  if (!existsSync(join(dir, '.done'))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const file of files) {
      const main = await readFile(file);
      const preview = await sharp(main).resize(1600, 1200).jpeg({ quality: 85 }).toBuffer();
      await writeFile(join(dir, basename(file)), withMpfPreview(main, preview));
    }
    await writeFile(join(dir, '.done'), '');
    log(`bench: wrote ${files.length} 12-MP JPEGs with MPF previews in ${dir}`);
  }
  return (await readdir(dir)).filter((f) => f.endsWith('.jpg')).map((f) => join(dir, f));
}

/** A naive pipeline for comparison: read, fully decode, hash, thumbnail and CLIP-preprocess from the full decode. */
async function naivePipeline(files: string[]): Promise<void> {
  for (const file of files) {
    const bytes = await readFile(file);
    createHash('sha256').update(bytes).digest('hex');
    const { data, info } = await sharp(bytes).rotate().raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    await sharp(data, raw).resize(320, 320, { fit: 'inside' }).webp().toBuffer();
    await sharp(data, raw).resize(CLIP_PREPROCESS.width, CLIP_PREPROCESS.height, { fit: 'cover' }).raw().toBuffer();
  }
}

interface Run {
  imagesPerSec: number;
  /** CPU time of the whole process (every thread) per image. */
  cpuMsPerImage: number;
  peakMB: number;
  p99LoopMs: number;
}

/** Runs `work` over `count` images, sampling peak RSS and the event loop's delay in this process meanwhile. */
async function observe(count: number, work: () => Promise<void>): Promise<Run> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    await work();
    const used = process.cpuUsage(cpu);
    return { imagesPerSec: count / ((performance.now() - started) / 1000), cpuMsPerImage: round((used.user + used.system) / 1000 / count), peakMB: Math.round(peak / 1e6), p99LoopMs: round(loop.percentile(99) / 1e6) };
  } finally {
    clearInterval(timer);
    loop.disable();
  }
}

interface PipelineSettings {
  /** Files decoded at once and libvips threads per decode (default: the studio's thread budget). */
  concurrency?: number;
  vipsThreads?: number;
}

/** The studio's library refresh over `files`' folder, into a fresh data folder, as the app runs it (a job). */
async function pipeline(clip: ClipModel, folder: string, count: number, settings: PipelineSettings = {}): Promise<Run> {
  const data = await mkdtemp(join(tmpdir(), 'studio-bench-lib-'));
  const db = openDatabase(join(data, 'library.db'));
  const library = new Library({ db, thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'bench', load: async () => clip }), ...settings });
  library.addRoot(folder);
  const runner = new JobRunner();
  try {
    return await observe(count, async () => {
      const job = runner.submit({ kind: 'library.refresh', label: 'index' }, (ctx) => library.refresh(ctx));
      const settled = await runner.settled(job.id);
      if (settled.state !== 'done') throw new Error(`indexing failed: ${settled.error?.message}`);
      if (library.status(true).embedded !== count) throw new Error(`indexing embedded ${library.status(true).embedded} of ${count}`);
    });
  } finally {
    await library.close();
    db.close();
    await rm(data, { recursive: true, force: true });
  }
}

/** The encoder alone on already-preprocessed inputs, batches of 16 (as the pipeline batches): images/s. */
async function encoderAlone(clip: ClipModel, inputs: Float32Array[], batch = 16): Promise<Run> {
  return observe(inputs.length, async () => {
    for (let i = 0; i < inputs.length; i += batch) await clip.encodeTensors(inputs.slice(i, i + batch));
  });
}

interface Encoder {
  name: string;
  dir: string;
  files: ClipFiles;
}

/**
 * Indexing 12-MP JPEGs end to end with real-size encoders, each beside the encoder alone in the same run (before and
 * after the pipeline, averaged, so a change in load hits both): "indexing pipeline ÷ encoder alone". Also: the decode
 * stage's own ceiling (the scene fixture's encoder costs nothing), the pipeline with every library taking all cores
 * (libvips a thread per core, ONNX Runtime spinning — the settings before the thread budget), a naive full-decode
 * pipeline, peak RSS and the event loop's p99 delay while indexing runs in this process.
 */
export async function indexingThroughput(log: (l: string) => void, count = 48): Promise<Figure[]> {
  const root = process.cwd();
  const paths = await ensureFixtures(root, log);
  const files = await twelveMegapixelJpegs(count, log);
  const folder = join(files[0]!, '..');
  const megabytes = (await Promise.all(files.map((f) => stat(f)))).reduce((s, f) => s + f.size, 0) / files.length / 1e6;
  const large = await ensureRealSizeClip(root, log);
  const encoders: Encoder[] = [
    { name: 'ViT-B/32 size, int8 (the CPU default)', dir: large, files: { vision: join(large, 'onnx', 'vision_model_quantized.onnx') } },
    { name: 'ViT-B/32 size, fp32', dir: large, files: {} },
  ];
  const figures: Figure[] = [];
  const withPool = async <T>(options: Partial<SessionPoolOptions>, dir: string, files: ClipFiles, use: (clip: ClipModel) => Promise<T>): Promise<T> => {
    const pool = new SessionPool({ providers: ['cpu'], ...options });
    try {
      return await use(await ClipModel.load(dir, pool, files));
    } finally {
      await pool.release();
    }
  };

  // The decode stage alone: with the scene fixture's tiny encoder, the pipeline runs as fast as decoding allows.
  const previewed = await withCameraPreviews(files, log);
  const [ceiling, previewCeiling] = await withPool({}, paths.sceneClip, {}, async (clip) => {
    await pipeline(clip, folder, count); // warm-up: libvips and the page cache
    return [await pipeline(clip, folder, count), await pipeline(clip, join(previewed[0]!, '..'), count)];
  });
  log(`bench: decode-stage ceiling ${round(ceiling.imagesPerSec)} images/s, ${round(previewCeiling!.imagesPerSec)} with previews`);
  figures.push({ name: 'the same photos with a 1600×1200 MPF preview each, negligible encoder (decode stage ceiling with previews)', value: round(previewCeiling!.imagesPerSec), unit: 'images/s', note: `${previewCeiling!.cpuMsPerImage} ms CPU per image` });
  figures.push({ name: `indexing 12-MP JPEGs (${round(megabytes)} MB each, no embedded preview), studio pipeline with a negligible encoder (the decode stage's ceiling)`, value: round(ceiling.imagesPerSec), unit: 'images/s', note: `${ceiling.cpuMsPerImage} ms CPU per image` });

  const inputs = await Promise.all(files.map((f) => preprocessImage(f)));
  const scene = await withPool({}, paths.sceneClip, {}, async (clip) => {
    await clip.encodeTensors(inputs.slice(0, 16));
    return encoderAlone(clip, inputs);
  });
  figures.push({ name: 'the scene fixture encoder alone (what the ceilings above include besides decoding)', value: round(scene.imagesPerSec), unit: 'images/s', note: `${scene.cpuMsPerImage} ms CPU per image` });
  for (const [i, encoder] of encoders.entries()) {
    const result = await withPool({}, encoder.dir, encoder.files, async (clip) => {
      await clip.encodeTensors(inputs.slice(0, 16)); // warm-up: session creation and first run
      const before = await encoderAlone(clip, inputs);
      const run = await pipeline(clip, folder, count);
      const fromPreviews = await pipeline(clip, join(previewed[0]!, '..'), count);
      const after = await encoderAlone(clip, inputs);
      return { alone: (before.imagesPerSec + after.imagesPerSec) / 2, cpuMs: (before.cpuMsPerImage + after.cpuMsPerImage) / 2, run, fromPreviews, spread: [before.imagesPerSec, after.imagesPerSec] };
    });
    log(`bench: ${encoder.name}: encoder alone ${round(result.alone)}/s, pipeline ${round(result.run.imagesPerSec)}/s`);
    // Both stages need the same cores: if the pipeline only overlapped them, with no cost of its own, it would index at
    // 1 / (1/encoder + 1/decode) — the CPU-bound limit. Pipeline ÷ that limit says how much the pipeline itself loses.
    const limit = (decode: Run) => 1 / (1 / result.alone + 1 / decode.imagesPerSec);
    figures.push(
      { name: `encoder alone, ${encoder.name} (batches of 16; before and after the pipeline)`, value: round(result.alone), unit: 'images/s', note: `${round(result.spread[0]!)} and ${round(result.spread[1]!)}; ${round(result.cpuMs)} ms CPU per image` },
      { name: `indexing 12-MP JPEGs end to end, ${encoder.name}`, value: round(result.run.imagesPerSec), unit: 'images/s', ...(i === 0 ? { target: '≥ 40' } : {}), note: `${result.run.cpuMsPerImage} ms CPU per image; CPU-bound limit ${round(limit(ceiling))}/s, reached ${round(result.run.imagesPerSec / limit(ceiling), 2)}` },
      { name: `indexing pipeline ÷ encoder alone, ${encoder.name}`, value: round(result.run.imagesPerSec / result.alone, 2), unit: '×', target: '≥ 0.8' },
      { name: `indexing end to end, ${encoder.name}, the same photos with a camera's 1600×1200 MPF preview (decoded instead)`, value: round(result.fromPreviews.imagesPerSec), unit: 'images/s', ...(i === 0 ? { target: '≥ 40' } : {}), note: `${result.fromPreviews.cpuMsPerImage} ms CPU per image; CPU-bound limit ${round(limit(previewCeiling!))}/s, reached ${round(result.fromPreviews.imagesPerSec / limit(previewCeiling!), 2)}` },
      { name: `indexing pipeline ÷ encoder alone, ${encoder.name}, photos with MPF previews`, value: round(result.fromPreviews.imagesPerSec / result.alone, 2), unit: '×', target: '≥ 0.8' },
    );
    if (i === 0) {
      figures.push(
        { name: `event-loop delay p99 while indexing (${encoder.name}, same process)`, value: result.run.p99LoopMs, unit: 'ms', target: '< 20', note: `${result.fromPreviews.p99LoopMs} ms with previews` },
        { name: 'peak RSS while indexing (studio pipeline)', value: result.run.peakMB, unit: 'MB' },
      );
      // Other ways to share the cores, for comparison: before the thread budget (libvips a thread per core in three
      // decode lanes, ONNX Runtime spinning at the engine's priority), and inference on one thread only.
      const variants: [string, Partial<SessionPoolOptions>, PipelineSettings][] = [
        [`every library taking all cores (libvips ${cpus().length} threads × 3 decodes, ONNX Runtime spinning, same priority)`, { spinning: true, nice: 0 }, { concurrency: 3, vipsThreads: cpus().length }],
        ['inference on one thread (the other cores left to decoding)', { intraOpThreads: 1 }, {}],
      ];
      for (const [label, poolOptions, settings] of variants) {
        const other = await withPool(poolOptions, encoder.dir, encoder.files, async (clip) => {
          await clip.encodeTensors(inputs.slice(0, 16));
          return pipeline(clip, folder, count, settings);
        });
        figures.push({ name: `indexing end to end, ${encoder.name}, ${label}`, value: round(other.imagesPerSec), unit: 'images/s', note: `${round(other.imagesPerSec / result.run.imagesPerSec, 2)}× the thread budget's; event-loop p99 ${other.p99LoopMs} ms` });
      }
    }
  }
  const naive = await observe(count, () => naivePipeline(files));
  figures.push(
    { name: 'naive full-decode pipeline, no encoder (decode, hash, thumbnail, CLIP input; one at a time)', value: round(naive.imagesPerSec), unit: 'images/s' },
    { name: 'peak RSS, naive pipeline', value: naive.peakMB, unit: 'MB' },
  );
  return figures;
}
