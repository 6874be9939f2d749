import { ensureFixtures } from './fixtures';

/** Runs once before the unit tests: fixture models must exist (and be current) for the model tests. */
export default async function setup(): Promise<void> {
  await ensureFixtures(process.cwd(), (line) => console.log(line));
}
