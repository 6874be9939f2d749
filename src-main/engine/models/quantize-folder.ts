import { readdir, readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../storage/atomic-write';
import { join } from 'node:path';
import { AppError } from '@contract';
import { quantizeDynamic } from './onnx/dynamic-quantize';

/** Suffixes of variant files in the Hugging Face ONNX layout (Xenova/onnx-community): these are never re-quantized. */
const VARIANT = /_(quantized|int8|uint8|fp16|q4|q4f16|bnb4)\.onnx$/;
/** protobuf cannot hold a model over 2 GB in one message; such exports keep their weights in external files. */
const MAX_BYTES = 2 ** 31 - 1;

export interface QuantizedFile {
  source: string;
  file: string;
  quantized: number;
  skipped: number;
  bytes: { before: number; after: number };
}

/**
 * Writes an 8-bit dynamically quantized variant beside each fp32 model of a folder (onnx/<name>.onnx →
 * onnx/<name>_quantized.onnx, the name Hugging Face ONNX repositories use for this variant). `only` limits it to some
 * names (e.g. ['vision_model']).
 */
export async function quantizeModelFolder(dir: string, only?: string[]): Promise<QuantizedFile[]> {
  const onnxDir = join(dir, 'onnx');
  let names: string[];
  try {
    names = (await readdir(onnxDir)).filter((n) => n.endsWith('.onnx') && !VARIANT.test(n)).sort();
  } catch {
    throw new AppError('NOT_FOUND', `${onnxDir} does not exist: quantize takes a model folder in the Hugging Face ONNX layout (onnx/*.onnx).`, { dir });
  }
  if (only) names = names.filter((n) => only.includes(n.replace(/\.onnx$/, '')));
  if (names.length === 0) throw new AppError('NOT_FOUND', `No fp32 .onnx files to quantize in ${onnxDir}.`, { dir });
  const done: QuantizedFile[] = [];
  for (const name of names) {
    const source = join(onnxDir, name);
    const size = (await stat(source)).size;
    if (size > MAX_BYTES) throw new AppError('MODEL_MISMATCH', `${source} is over 2 GB, which this quantizer cannot read in one piece.`, { file: source });
    const report = quantizeDynamic(await readFile(source));
    if (report.quantized === 0) throw new AppError('MODEL_MISMATCH', `${source} has no MatMul with constant weights to quantize.`, { file: source });
    const file = source.replace(/\.onnx$/, '_quantized.onnx');
    await writeFileAtomic(file, report.model);
    done.push({ source, file, quantized: report.quantized, skipped: report.skipped, bytes: { before: size, after: report.model.byteLength } });
  }
  return done;
}
