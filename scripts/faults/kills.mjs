// SIGKILL at random points of indexing, teaching, an edit turn and a settings write; after each, a restart must find
// everything consistent, and the interrupted work must then finish.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkData, cli, connect, hostAnswers, killCliAt, prepareModels, restartAndCheck, scratch, sleep, startServer, worldPhotos } from './harness.mjs';

export async function killFamilies(tally, { rounds, rand, log }) {
  const dir = scratch('kills');
  const env = { STUDIO_MODELS_DIR: prepareModels(join(dir, 'models')) };
  const dataDir = join(dir, 'data');
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const world = worldPhotos();
  const between = (lo, hi) => lo + rand() * (hi - lo);
  let kills = 0;
  const count = (kill) => {
    if (kill.killed) kills++;
    return kill;
  };

  // Indexing: each round brings new photos, so every kill lands in real work.
  let total = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [i, file] of world.slice(0, 16).entries()) copyFileSync(file, join(photos, `r${round}-${i}.png`));
    total += 16;
    const kill = count(await killCliAt(['index', photos], between(0.05, 1), { dataDir, env }));
    const problems = await restartAndCheck(dataDir, env);
    tally.record('SIGKILL: indexing', kill.killed ? problems : [...problems], `round ${round} (${kill.killed ? `killed at “${kill.at}”` : 'finished first'})`);
  }
  const finish = await cli(['index', '--json'], { dataDir, env });
  const status = JSON.parse((await cli(['status', '--json'], { dataDir, env })).stdout);
  const resumed = finish.code === 0 && status.files === total && status.indexed === total && status.pendingEmbeddings === 0 && status.failed.length === 0;
  tally.record('SIGKILL: indexing', resumed ? [] : [`after the kills: ${JSON.stringify({ code: finish.code, files: status.files, indexed: status.indexed, pending: status.pendingEmbeddings, failed: status.failed.length })}, expected ${total}`], 'resume to the end');
  log(`indexing: ${total} photos, resumed ${resumed ? 'completely' : 'INCOMPLETELY'}`);

  // Teaching a concept (CMA-ES on the fixture CLIP): killed mid-run, nothing half-stored.
  const teachPhotos = world.slice(0, 3);
  for (let round = 0; round < rounds; round++) {
    const kill = count(await killCliAt(['concept', 'teach', '--name', `shape${round}`, '--parent', 'shape', ...teachPhotos], between(0.02, 0.7), { dataDir, env }));
    tally.record('SIGKILL: teaching', await restartAndCheck(dataDir, env), `round ${round} (${kill.killed ? `killed at “${kill.at}”` : 'finished first'})`);
  }
  const taught = await cli(['concept', 'teach', '--name', 'final', '--parent', 'shape', ...teachPhotos], { dataDir, env });
  tally.record('SIGKILL: teaching', taught.code === 0 ? [] : [`teaching after the kills failed: ${taught.stderr.trim().split('\n').pop()}`], 'teach to the end');

  // An edit turn (tiny Stable Diffusion): killed mid-run, the turn tree stays whole.
  for (let round = 0; round < rounds; round++) {
    const out = join(dir, `edit-${round}.png`);
    const kill = count(await killCliAt(['edit', '--image', world[round % world.length], '--instruction', 'make it blue', '--out', out, '--steps', '12'], between(0.1, 1), { dataDir, env }));
    tally.record('SIGKILL: edit turn', await restartAndCheck(dataDir, env), `round ${round} (${kill.killed ? `killed at “${kill.at}”` : 'finished first'})`);
  }
  const edited = await cli(['edit', '--image', world[0], '--instruction', 'make it red', '--out', join(dir, 'final.png'), '--steps', '4'], { dataDir, env });
  tally.record('SIGKILL: edit turn', edited.code === 0 ? [] : [`an edit after the kills failed: ${edited.stderr.trim().split('\n').pop()}`], 'edit to the end');

  // Settings writes in flight when the server is killed.
  const precisions = ['f32', 'f16', 'i8'];
  for (let round = 0; round < rounds; round++) {
    const server = await startServer({ dataDir, env });
    const client = await connect(server);
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing; i++) await Promise.all([0, 1, 2].map((k) => client.call('settings.update', { vectorPrecision: precisions[(i + k) % 3] })));
    })().catch(() => undefined);
    await sleep(Math.round(between(100, 1200)));
    writing = false;
    await server.kill();
    kills++;
    await writes;
    tally.record('SIGKILL: settings write', await restartAndCheck(dataDir, env), `round ${round}`);
  }
  log(`kills: ${kills} SIGKILLs landed mid-work (the other rounds finished first)`);
  tally.record('SIGKILL: host after kills', await hostAnswers(dataDir, env), 'the server starts on the killed data folder and answers');
  return checkData(dataDir);
}
