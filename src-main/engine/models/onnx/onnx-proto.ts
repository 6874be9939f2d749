// onnx-proto is CommonJS; a default import works under both Vite and Node's ESM loader (named imports do not).
import onnxProto from 'onnx-proto';

export import onnx = onnxProto.onnx;
