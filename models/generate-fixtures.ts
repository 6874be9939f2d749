// `npm run fixtures`: (re)generates fixture models and the synthetic scene world into models/fixtures/.
import { ensureFixtures, fixturesDir } from './fixtures';

const started = performance.now();
const paths = await ensureFixtures(process.cwd(), (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`${JSON.stringify({ dir: fixturesDir(), ...paths, ms: Math.round(performance.now() - started) })}\n`);
