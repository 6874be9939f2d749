// Checks the installer configuration without building anything: electron-builder's own schema validation of
// electron-builder.yml (+ package.json), and that the files it packs and the icon exist.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Files the packaged app cannot start without (the build must have run). */
export const REQUIRED_FILES = ['out/main/app.js', 'out/preload/preload.cjs', 'out/renderer/index.html', 'resources/clip-tokenizer/tokenizer.json'];

/**
 * @param {string} root the project folder
 * @returns {Promise<{ problems: string[], config: Record<string, unknown> | null }>}
 */
export async function checkPackaging(root) {
  const require = createRequire(join(root, 'package.json'));
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  const problems = [];
  let config = null;
  try {
    config = await getConfig(root, null, null);
    await validateConfiguration(config, new DebugLogger(false));
  } catch (error) {
    problems.push(`electron-builder configuration: ${String(error?.message ?? error).split('\n').slice(0, 6).join(' ')}`);
  }
  const icon = config?.icon;
  if (typeof icon === 'string' && !existsSync(join(root, icon))) problems.push(`The app icon ${icon} is missing.`);
  for (const file of REQUIRED_FILES) if (!existsSync(join(root, file))) problems.push(`${file} is missing (run \`npm run build\`).`);
  return { problems, config };
}
