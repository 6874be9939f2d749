import { resolve } from 'node:path';
import { AppError, formatBytes } from '@contract';
import { quantizeModelFolder } from '../engine/models/quantize-folder';
import { type Command, print, str } from './shared';

/** quantize DIR [--only NAME,…]: int8 variants (onnx/<name>_quantized.onnx) beside a folder's fp32 models. */
export const quantizeCommands: Record<string, Command> = {
  quantize: async (_dispatch, _engine, opts) => {
    const [dir] = opts.args;
    if (!dir) throw new AppError('INVALID_PARAMS', 'Usage: quantize MODEL_DIR [--only vision_model,text_model] [--json]');
    const only = str(opts.values, 'only')?.split(',');
    const files = await quantizeModelFolder(resolve(dir), only);
    const lines = files.map((f) => `${f.file}: ${f.quantized} MatMuls in 8 bits (${f.skipped} left in float), ${formatBytes(f.bytes.before)} → ${formatBytes(f.bytes.after)}`);
    print(opts, files, lines.join('\n'));
  },
};
