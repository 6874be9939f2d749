import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';

/** A text and the ids OpenAI's reference tokenizer gives it (start and end tokens included, cut to 77). */
export interface ReferenceCase {
  text: string;
  ids: number[];
}

export interface CheckOutcome {
  failures: string[];
  figures: Record<string, number>;
  notes: string[];
}

/** Photos with one caption each (labels.tsv: file, label). */
export async function readLabels(dir: string): Promise<{ file: string; label: string }[]> {
  const rows = (await readFile(join(dir, 'labels.tsv'), 'utf8')).trim().split('\n').slice(1);
  return rows.map((row) => row.split('\t')).map(([file, label]) => ({ file: join(dir, file!), label: label! }));
}

const finite = (v: Float32Array) => v.every(Number.isFinite);

/**
 * A CLIP model on this machine: its tokenizer against reference ids (a difference is a hard failure: every query would
 * embed differently from what the model was trained on), both encoders on real photos (NaN or mismatched embedding
 * sizes are hard failures), zero-shot top-1 over the photos' captions, and images/s.
 */
export async function checkClip(clip: ClipModel, photosDir: string, reference: ReferenceCase[]): Promise<CheckOutcome> {
  const failures: string[] = [];
  const notes: string[] = [];
  const figures: Record<string, number> = {};

  let mismatched = 0;
  for (const { text, ids } of reference) {
    const ours = clip.tokenizer.encode(text).slice(0, 77);
    if (ours.length !== ids.length || ours.some((id, i) => id !== ids[i])) {
      mismatched++;
      if (mismatched <= 3) failures.push(`tokenizer: “${text}” gives [${ours.join(' ')}], the reference [${ids.join(' ')}]`);
    }
  }
  figures.tokenizerCases = reference.length;
  if (mismatched > 3) failures.push(`tokenizer: ${mismatched} of ${reference.length} reference texts differ in all`);

  const photos = await readLabels(photosDir);
  const labels = [...new Set(photos.map((p) => p.label))];
  const texts = await clip.encodeTexts(labels.map((l) => `a photo of ${l}`));
  if (!texts.every(finite)) failures.push('text encoder: NaN or infinite values in the embeddings');
  // One warm-up image, so the timing measures steady work rather than session creation.
  await clip.encodeImages([photos[0]!.file]);
  const started = performance.now();
  const images = await clip.encodeImages(photos.map((p) => p.file), { batchSize: 8 });
  const seconds = (performance.now() - started) / 1000;
  figures.imagesPerSecond = Number((photos.length / seconds).toPrecision(3));
  let correct = 0;
  images.forEach((result, i) => {
    if (!result.ok) return void failures.push(`vision encoder: ${photos[i]!.file}: ${result.error.message}`);
    if (!finite(result.embedding)) return void failures.push(`vision encoder: NaN in the embedding of ${photos[i]!.file}`);
    if (result.embedding.length !== texts[0]!.length) {
      return void failures.push(`shapes: image embeddings have ${result.embedding.length} dimensions, text embeddings ${texts[0]!.length}`);
    }
    const scores = texts.map((t) => dot(t, result.embedding));
    const best = scores.indexOf(Math.max(...scores));
    if (labels[best] === photos[i]!.label) correct++;
    else notes.push(`${photos[i]!.file.split('/').pop()}: “${labels[best]}” ranked above “${photos[i]!.label}”`);
  });
  figures.zeroShotTop1 = Math.round((correct / photos.length) * 1000) / 1000;
  return { failures: [...new Set(failures)], figures, notes };
}
