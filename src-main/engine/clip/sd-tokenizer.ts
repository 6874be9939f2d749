import { existsSync } from 'node:fs';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@contract';
import { readJsonOrEmpty as readJson } from '../models/json-file';
import { resourceDir } from '../shared/resources';
import { ClipTokenizer } from './tokenizer';

/** The tokenizer of an SD folder; Optimum exports ship only vocab.json/merges.txt, so the bundled CLIP tokenizer.json (same vocabulary) fills in. */
export async function loadSdTokenizer(dir: string): Promise<ClipTokenizer> {
  const folder = join(dir, 'tokenizer');
  if (existsSync(join(folder, 'tokenizer.json'))) return ClipTokenizer.fromDir(folder);
  const bundled = resourceDir('clip-tokenizer');
  if (!bundled || !existsSync(join(folder, 'vocab.json'))) throw new AppError('MODEL_MISSING', `${folder} has no tokenizer (tokenizer.json or vocab.json).`);
  const [theirs, ours] = await Promise.all([readJson(join(folder, 'vocab.json')), readJson(join(bundled, 'vocab.json'))]);
  if (Object.keys(theirs).length !== Object.keys(ours).length || theirs['a</w>'] !== ours['a</w>']) {
    throw new AppError('MODEL_MISMATCH', `${folder}/vocab.json is not CLIP's vocabulary, and the folder has no tokenizer.json.`);
  }
  const temp = await mkdtemp(join(tmpdir(), 'studio-tokenizer-'));
  await copyFile(join(bundled, 'tokenizer.json'), join(temp, 'tokenizer.json'));
  await copyFile(existsSync(join(folder, 'tokenizer_config.json')) ? join(folder, 'tokenizer_config.json') : join(bundled, 'tokenizer_config.json'), join(temp, 'tokenizer_config.json'));
  return ClipTokenizer.fromDir(temp);
}
