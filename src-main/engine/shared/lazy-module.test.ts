import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lazyModule, lazyValue } from './lazy-module';

describe('lazyValue', () => {
  it('makes nothing until first used, then once, and stands in for objects, functions and classes', () => {
    let loads = 0;
    class Point {
      constructor(readonly x: number) {}
    }
    const lib = lazyValue(() => {
      loads++;
      return { Point, double: (n: number) => n * 2, name: 'lib' };
    });
    expect(loads).toBe(0);
    expect(lib.name).toBe('lib');
    expect(lib.double(21)).toBe(42);
    const p = new lib.Point(3);
    expect(p).toBeInstanceOf(Point);
    expect(p.x).toBe(3);
    expect('double' in lib).toBe(true);
    expect(loads).toBe(1);
  });

  it('calls and constructs through the stand-in when the value itself is a function', () => {
    let loads = 0;
    const make = lazyValue(() => {
      loads++;
      return Object.assign((n: number) => ({ n }), { version: '1' });
    });
    expect(loads).toBe(0);
    expect(make(5)).toEqual({ n: 5 });
    expect(make.version).toBe('1');
    const Made = lazyValue(() => Date);
    expect(new Made(0).getTime()).toBe(0);
    expect(loads).toBe(1);
  });

  it('passes a failed load on to the first use, not to the import', () => {
    const broken = lazyValue<{ x: number }>(() => {
      throw new Error('cannot open shared object file');
    });
    expect(() => broken.x).toThrow('cannot open shared object file');
  });
});

describe('lazyModule', () => {
  it('requires the package on first use (sharp: a function package)', async () => {
    const sharp = lazyModule<typeof import('sharp')>('sharp');
    const png = await sharp({ create: { width: 2, height: 1, channels: 3, background: '#f00' } }).png().toBuffer();
    expect((await sharp(png).metadata()).width).toBe(2);
  });
});

// The packages a "more like this" search and the studio host's startup must not load (see docs/ARCHITECTURE.md).
const DEFERRED = ['onnxruntime-node', 'sharp', 'onnx-proto', 'exifr', 'ml-pca', 'ml-matrix', '@huggingface/tokenizers', '@petamoriken/float16'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' || e.name === 'fixtures-large' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('startup imports', () => {
  it('no source the app bundles imports a deferred package as a value (only `import type`, then lazyModule)', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const offenders: string[] = [];
    for (const file of [...sourceFiles(join(root, 'src-main')), ...sourceFiles(join(root, 'models'))]) {
      const text = readFileSync(file, 'utf8');
      for (const pkg of DEFERRED) {
        const valueImport = new RegExp(`^import (?!type )[^;]*from '${pkg.replace('/', '\\/')}';`, 'm');
        if (valueImport.test(text)) offenders.push(`${relative(root, file)}: ${pkg}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
