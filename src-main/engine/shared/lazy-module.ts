import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A value made on first use instead of at startup: the object returned stands in for `load()`'s result and calls it
 * the first time anything on it is read, called or constructed. For packages a startup does not need (see lazyModule).
 */
export function lazyValue<T extends object>(load: () => T): T {
  let loaded: T | undefined;
  const value = (): T => (loaded ??= load());
  // A function target, so values that are functions (sharp) can be called and constructed through the stand-in too.
  const target = function lazyPackage() {} as unknown as T;
  return new Proxy(target, {
    get: (_, key) => Reflect.get(value(), key),
    has: (_, key) => Reflect.has(value(), key),
    apply: (_, self, args) => Reflect.apply(value() as (...a: unknown[]) => unknown, self, args),
    construct: (_, args) => Reflect.construct(value() as new (...a: unknown[]) => object, args),
  });
}

/**
 * A CommonJS package loaded on first use. A static `import` of a package (a native binary like ONNX Runtime or sharp,
 * or hundreds of kilobytes of generated code) loads it when the process starts, even for a command that never uses
 * it — and Node's ESM loader also scans a CommonJS package's source for its export names. `require` on first use does
 * neither at startup. `import type` the package for its types.
 */
export function lazyModule<T extends object>(name: string): T {
  return lazyValue(() => requireHere(name) as T);
}
