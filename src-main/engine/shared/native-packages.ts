import type * as Ort from 'onnxruntime-node';
import type Sharp from 'sharp';
import { lazyModule } from './lazy-module';

/**
 * ONNX Runtime and sharp, loaded the first time something uses them (see lazyModule): a "more like this" search or the
 * studio host's startup load neither. Import these instead of the packages themselves.
 */
export const ort = lazyModule<typeof Ort>('onnxruntime-node');
export const sharp = lazyModule<typeof Sharp>('sharp');

// The packages' type names, so `ort.Tensor`, `ort.InferenceSession` and `sharp.OutputInfo` still name types.
/* eslint-disable @typescript-eslint/no-namespace */
export declare namespace ort {
  type Tensor = Ort.Tensor;
  type InferenceSession = Ort.InferenceSession;
  namespace InferenceSession {
    type SessionOptions = Ort.InferenceSession.SessionOptions;
  }
}
export declare namespace sharp {
  type OutputInfo = Sharp.OutputInfo;
  type Sharp = import('sharp').Sharp;
}
