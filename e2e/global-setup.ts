import { ensureFixtures } from '../models/fixtures';

/** Fixture models (and the synthetic world) must exist before specs that serve them. */
export default async function globalSetup(): Promise<void> {
  await ensureFixtures(process.cwd(), (line) => console.log(line));
}
