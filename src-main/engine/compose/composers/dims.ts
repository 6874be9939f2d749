import type { RunnableSession } from '../../models/session-pool';
import { AppError } from '@contract';

/**
 * Refuses a composer trained for another embedding size than the library's: config.json's embedding_dim and any fixed
 * last dimension of the named inputs must equal the CLIP embedding size.
 */
export function checkEmbeddingDims(session: RunnableSession, inputs: string[], clipDim: number, configDim: number, file: string): void {
  const found = new Set<number>([configDim]);
  for (const meta of session.inputMetadata) {
    if (!inputs.includes(meta.name) || !meta.isTensor) continue;
    const last = meta.shape.at(-1);
    if (typeof last === 'number') found.add(last);
  }
  const wrong = [...found].filter((d) => d !== clipDim);
  if (wrong.length) {
    throw new AppError(
      'MODEL_MISMATCH',
      `${file} composes ${wrong[0]}-d embeddings, but the library's CLIP model makes ${clipDim}-d ones. Install the composer trained for this CLIP model.`,
      { file, expected: clipDim, found: wrong[0] },
    );
  }
}
