import { copyFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AppError, type LibraryItem } from '@contract';
import { startEngine, type Services } from './app-services';

const temp = (name: string) => mkdtemp(join(tmpdir(), `studio-${name}-`));

/**
 * A fresh studio (no models installed) whose library holds copies of the given photos, indexed: the setup tests of
 * features built on library photos share. The copies live in `photos`, so a test may change them under the studio.
 */
export async function engineWithPhotos(files: string[]): Promise<{ engine: Services; photos: string; items: LibraryItem[] }> {
  const photos = await temp('photos');
  for (const file of files) copyFileSync(file, join(photos, basename(file)));
  const engine = await startEngine({ dataDir: await temp('data'), host: 'cli', modelsDir: join(await temp('models'), 'none') });
  const { job } = engine.library.addRoot(photos);
  const done = await engine.jobs.settled(job.id);
  if (done.state !== 'done') throw new AppError('INTERNAL', `Indexing the test photos ended ${done.state}: ${done.error?.message ?? ''}`);
  return { engine, photos, items: (await engine.search.search({ limit: files.length })).items };
}
