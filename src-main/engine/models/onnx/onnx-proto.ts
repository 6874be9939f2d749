import type OnnxProto from 'onnx-proto';
import { lazyModule, lazyValue } from '../../shared/lazy-module';

type Onnx = typeof OnnxProto.onnx;

// onnx-proto (330 kB of generated protobuf code over protobufjs) loads when a graph is first read or written, not when
// the studio starts: a search never needs it.
export const onnx: Onnx = lazyValue(() => lazyModule<typeof OnnxProto>('onnx-proto').onnx);

// The message types by their usual names (`onnx.INodeProto` …), as the namespace import gave them.
/* eslint-disable @typescript-eslint/no-namespace */
export declare namespace onnx {
  type GraphProto = OnnxProto.onnx.GraphProto;
  type IAttributeProto = OnnxProto.onnx.IAttributeProto;
  type IModelProto = OnnxProto.onnx.IModelProto;
  type INodeProto = OnnxProto.onnx.INodeProto;
  type ITensorProto = OnnxProto.onnx.ITensorProto;
  type IValueInfoProto = OnnxProto.onnx.IValueInfoProto;
}
