// The `cli` entry (out/main/cli.js). V8's compile cache first, then the CLI: static imports would be compiled before
// any line here ran, so the CLI comes in through import() once the cache is on.
import nodeModule from 'node:module';

// Node ≥ 22.1 (Electron 39's Node) keeps compiled code between launches; older Node has no such call.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./main');
