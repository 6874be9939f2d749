// `npm run bench`: measures the studio's hot paths side by side and writes bench/results/latest.{json,md}.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCATION_OPTIONS, locationFlags, resolveLocations } from '../src-main/engine/config/locations';
import { startEngine } from '../src-main/engine/app-services';
import { markdownTable, type Sample } from './measure';
import { composedSearch } from './suites/compose';
import { conceptTeaching } from './suites/concepts';
import { editingTurn } from './suites/editing';
import { gridScroll } from './suites/grid';
import { indexingThroughput } from './suites/indexing';
import { coldStart } from './suites/cold-start';
import type { Figure } from './suites/figure';
import { embeddedPreviewDecode } from './suites/embedded-preview';
import { vectorGridFrom, VECTOR_GRID_OPTIONS } from './suites/vector-grid-options';
import { gridTable, vectorSearch } from './suites/vectors';
import { clipEncoding } from './suites/clip';
import { contractRoundTrip } from './suites/contract';
import { quantizedClip } from './suites/quantization';
import { tinyStableDiffusion } from './suites/stable-diffusion';

const { values } = parseArgs({
  options: { ...LOCATION_OPTIONS, only: { type: 'string' }, vectors: { type: 'string' }, 'compose-vectors': { type: 'string' }, ...VECTOR_GRID_OPTIONS },
  strict: true,
});
// npm runs scripts from the repository root.
const resultsDir = join(process.cwd(), 'bench', 'results');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const locations = resolveLocations(locationFlags(values));
  // The engine decides providers and knows whether real CLIP weights are installed.
  const engine = await startEngine({ ...locations, host: 'cli' });
  const info = engine.app.info();
  const providers = info.inference.providers.filter((p) => p.available).map((p) => p.name);
  const clipStatus = engine.models.status('clip-vit-b32');
  await engine.close();
  if (!clipStatus.installed) log(`bench: real CLIP ViT-B/32 weights not installed in ${clipStatus.dir}; measuring fixtures and the real-size random-weight model.`);

  const suites: Record<string, () => Promise<Sample[]>> = {
    contract: contractRoundTrip,
    clip: () => clipEncoding(providers, clipStatus.installed ? clipStatus.dir : null, log),
    'stable-diffusion': () => tinyStableDiffusion(log),
    'embedded-preview': () => embeddedPreviewDecode(log),
  };
  const figures: Figure[] = [];
  let vectorGrid = '';
  let vectorRows: unknown[] = [];
  const vectorCount = Number(values.vectors ?? 100_000);
  const figureSuites: Record<string, () => Promise<Figure[]>> = {
    indexing: () => indexingThroughput(log),
    vectors: async () => {
      const { samples: s, figures: f, rows } = await vectorSearch(log, vectorCount, vectorGridFrom(values));
      samples.push(...s);
      vectorGrid = gridTable(rows);
      vectorRows = rows;
      return f;
    },
    'cold-start': () => coldStart(log),
    editing: () => editingTurn(log),
    concepts: () => conceptTeaching(log),
    compose: async () => {
      // Composed search runs on a 100k library (its figures are per query); `--vectors` sizes the vectors suite.
      const { samples: s, figures: f } = await composedSearch(log, Number(values['compose-vectors'] ?? 100_000));
      samples.push(...s);
      return f;
    },
    grid: () => gridScroll(log),
    quantization: () => quantizedClip(log),
  };
  const samples: Sample[] = [];
  for (const [name, run] of Object.entries(suites)) {
    if (values.only && values.only !== name) continue;
    samples.push(...(await run()));
  }
  for (const [name, run] of Object.entries(figureSuites)) {
    if (values.only && values.only !== name) continue;
    figures.push(...(await run()));
  }

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}, ONNX Runtime ${info.inference.onnxRuntimeVersion}, providers ${providers.join(', ')}`;
  const table = markdownTable(samples);
  const figureTable = [
    '| figure | value | target |',
    '|---|---|---|',
    ...figures.map((f) => `| ${f.name} | ${f.value} ${f.unit} | ${f.target ?? ''}${f.note ? ` (${f.note})` : ''} |`),
  ].join('\n');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), machine, samples, figures, ...(vectorRows.length ? { vectorGrid: vectorRows } : {}) }, null, 2));
  await writeFile(join(resultsDir, 'latest.md'), `# Benchmarks\n\n${machine}\n\n${table}\n\n${figureTable}\n${vectorGrid ? `\n${vectorGrid}\n` : ''}`);
  process.stdout.write(`${machine}\n\n${table}\n\n${figureTable}\n${vectorGrid ? `\n${vectorGrid}\n` : ''}\nWritten to ${resultsDir}/latest.{json,md}\n`);
}

void main();
