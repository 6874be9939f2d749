// Malformed and hostile wire messages and uploads, concurrent settings writes and uploads, and what server mode refuses.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { checkData, connect, restartAndCheck, scratch, startServer, worldPhotos } from './harness.mjs';

const HEX = 'ab'.repeat(32);
const nanToken = Buffer.from(new Float32Array([1, Number.NaN, 2, 3]).buffer).toString('base64');
const deep = (n) => '['.repeat(n) + ']'.repeat(n);

/** [what, frame (object → JSON, string → sent as is, Buffer → binary), the error code expected]. */
const MESSAGES = [
  ['not JSON', 'this is not json', 'BAD_FRAME'],
  ['empty text', '', 'BAD_FRAME'],
  ['binary frame', Buffer.from([0, 1, 2, 255]), 'BAD_FRAME'],
  ['JSON null', 'null', 'BAD_FRAME'],
  ['JSON array', '[]', 'BAD_FRAME'],
  ['JSON number', '42', 'BAD_FRAME'],
  ['JSON string', '"app.info"', 'BAD_FRAME'],
  ['empty object', '{}', 'BAD_FRAME'],
  ['no method', { id: 1 }, 'BAD_FRAME'],
  ['no id', { method: 'app.info' }, 'BAD_FRAME'],
  ['id is an object', { id: { a: 1 }, method: 'app.info' }, 'BAD_FRAME'],
  ['method is a number', { id: 2, method: 7 }, 'BAD_FRAME'],
  ['unknown method', { id: 3, method: 'library.dropTables' }, 'UNKNOWN_METHOD'],
  ['prototype method name', { id: 4, method: '__proto__' }, 'UNKNOWN_METHOD'],
  ['toString as method', { id: 5, method: 'toString' }, 'UNKNOWN_METHOD'],
  ['params is a string', { id: 6, method: 'library.search', params: 'red' }, 'INVALID_PARAMS'],
  ['params is an array', { id: 7, method: 'library.search', params: [1] }, 'INVALID_PARAMS'],
  ['unknown param', { id: 8, method: 'library.search', params: { text: 'red', drop: true } }, 'INVALID_PARAMS'],
  ['__proto__ param', '{"id":9,"method":"library.search","params":{"__proto__":{"limit":1},"text":"x"}}', 'INVALID_PARAMS'],
  ['limit as text', { id: 10, method: 'library.search', params: { text: 'red', limit: 'abc' } }, 'INVALID_PARAMS'],
  ['limit 0', { id: 11, method: 'library.search', params: { text: 'red', limit: 0 } }, 'INVALID_PARAMS'],
  ['limit −5', { id: 12, method: 'library.search', params: { text: 'red', limit: -5 } }, 'INVALID_PARAMS'],
  ['limit 999999999', { id: 13, method: 'library.search', params: { text: 'red', limit: 999999999 } }, 'INVALID_PARAMS'],
  ['limit 1.5', { id: 14, method: 'library.search', params: { text: 'red', limit: 1.5 } }, 'INVALID_PARAMS'],
  ['text of 100k characters', { id: 15, method: 'library.search', params: { text: 'x'.repeat(100_000) } }, 'INVALID_PARAMS'],
  ['upload id with a path', { id: 16, method: 'library.search', params: { uploadId: '../../etc/passwd' } }, 'INVALID_PARAMS'],
  ['unknown upload id', { id: 17, method: 'library.search', params: { uploadId: HEX } }, ['NOT_FOUND', 'MODEL_MISSING']],
  ['likeId as text', { id: 18, method: 'library.search', params: { likeId: 'x' } }, 'INVALID_PARAMS'],
  ['relative root', { id: 19, method: 'library.roots.add', params: { path: 'photos' } }, 'INVALID_PARAMS'],
  ['root outside --allow-roots', { id: 20, method: 'library.roots.add', params: { path: '/etc' } }, 'INVALID_PARAMS'],
  ['root of 5000 characters', { id: 21, method: 'library.roots.add', params: { path: `/${'a'.repeat(5000)}` } }, 'INVALID_PARAMS'],
  ['root with a NUL byte', { id: 22, method: 'library.roots.add', params: { path: '/tmp/a\u0000b' } }, ['INVALID_PARAMS', 'NOT_FOUND']],
  ['models folder over the wire', { id: 23, method: 'settings.update', params: { modelsDir: '/tmp/elsewhere' } }, 'CONFLICT'],
  ['plain-http mirror over the wire', { id: 24, method: 'settings.update', params: { modelMirror: 'http://evil.example' } }, ['CONFLICT', 'INVALID_PARAMS']],
  ['unknown precision', { id: 25, method: 'settings.update', params: { vectorPrecision: 'f64' } }, 'INVALID_PARAMS'],
  ['cancel an unknown job', { id: 26, method: 'jobs.cancel', params: { id: 'nope' } }, 'NOT_FOUND'],
  ['concept file of another format', { id: 27, method: 'concepts.import', params: { file: { format: 'other' } } }, 'INVALID_PARAMS'],
  [
    'concept token with NaN',
    { id: 28, method: 'concepts.import', params: { file: { format: 'compose-studio.concept', version: 1, name: 'nan', parent: 'cup', model: 'clip-vit-b32', basisId: 'x', z: [], embedding: nanToken, attributes: [], stats: { loss: 0, accuracy: 1, generations: 1, textsEncoded: 1, seconds: 1, negatives: 0 } } } },
    'INVALID_PARAMS',
  ],
  ['blank canvas 0×0', { id: 29, method: 'edit.projects.create', params: { reference: { blank: { width: 0, height: 0 } } } }, 'INVALID_PARAMS'],
  ['edit in a missing project', { id: 30, method: 'edit.turns.run', params: { projectId: 999999, instruction: 'x' } }, ['NOT_FOUND', 'INVALID_PARAMS']],
  ['10 000 nested arrays', `{"id":31,"method":"library.search","params":${deep(10_000)}}`, ['INVALID_PARAMS', 'BAD_FRAME']],
  ['item that does not exist', { id: 32, method: 'library.item', params: { id: -1 } }, 'NOT_FOUND'],
];

function http(server, path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
      res.on('error', () => resolve({ status: res.statusCode, body: text }));
    });
    // The server closes an over-limit upload after answering 413: a reset after the answer is expected.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    req.end(body);
  });
}

export async function wireFamilies(tally, { log }) {
  const dir = scratch('wire');
  const home = join(dir, 'home');
  mkdirSync(join(home, 'photos'), { recursive: true });
  const dataDir = join(dir, 'data');
  // Server mode with its defaults: library folders only inside HOME, no models folder or mirror changes.
  const server = await startServer({ dataDir, env: { HOME: home } });
  const client = await connect(server);
  const alive = async () => (await client.call('app.info')).ok;

  for (const [what, frame, expected] of MESSAGES) {
    const payload = Buffer.isBuffer(frame) ? frame : typeof frame === 'string' ? frame : JSON.stringify(frame);
    const answer = await client.raw(payload, Buffer.isBuffer(frame));
    const codes = [expected].flat();
    const problems = answer.ok ? [`accepted (${JSON.stringify(answer.result).slice(0, 80)})`] : codes.includes(answer.error.code) ? [] : [`answered ${answer.error.code}: ${answer.error.message.slice(0, 120)}`];
    if (!(await alive())) problems.push('the host stopped answering');
    tally.record('malformed wire messages', problems, what);
  }
  // A frame over the size limit closes that connection only; a new one works.
  const big = await connect(server);
  big.ws.send('x'.repeat(2 * 1024 * 1024));
  await big.closed;
  tally.record('malformed wire messages', (await alive()) ? [] : ['the host stopped answering'], 'frame over 1 MiB');

  const token = `?token=${server.token}`;
  const png = readFileSync(worldPhotos()[0]);
  const uploads = [
    ['empty upload', { body: '' }, 400],
    ['upload over 64 MiB', { body: Buffer.alloc(64 * 1024 * 1024 + 1) }, 413, /64 MiB/],
    ['upload without the token', { body: png, noToken: true }, 401],
    ['cross-origin upload', { body: png, headers: { origin: 'http://evil.example' } }, 403],
    ['GET on /uploads', { method: 'GET', body: undefined }, [401, 404, 405]],
    ['PUT on /uploads', { method: 'PUT', body: png }, 405],
    ['foreign Host header', { body: png, headers: { host: `evil.example:${server.port}` } }, 421],
  ];
  for (const [what, { body, method = 'POST', headers = {}, noToken }, status, message] of uploads) {
    const res = await http(server, `/uploads${noToken ? '' : token}`, { method, headers, body });
    const problems = [status].flat().includes(res.status) ? [] : [`status ${res.status} (${res.body.slice(0, 80)})`];
    if (message && !message.test(res.body)) problems.push(`message “${res.body}”`);
    tally.record('malformed uploads', problems, what);
  }
  const notImage = JSON.parse((await http(server, `/uploads${token}`, { method: 'POST', body: 'not an image at all' })).body).id;
  const search = await client.call('library.search', { uploadId: notImage });
  tally.record('malformed uploads', !search.ok && ['BAD_IMAGE', 'MODEL_MISSING'].includes(search.error.code) ? [] : [JSON.stringify(search).slice(0, 120)], 'search by an upload that is not an image');

  // Concurrency: settings writers and uploaders at once.
  const precisions = ['f32', 'f16', 'i8'];
  const settings = await Promise.all(Array.from({ length: 20 }, (_, i) => client.call('settings.update', { vectorPrecision: precisions[i % 3] })));
  const onDisk = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
  const now = (await client.call('settings.get')).result.settings;
  const settingsProblems = settings.filter((r) => !r.ok).map((r) => r.error.code);
  if (onDisk.vectorPrecision !== now.vectorPrecision) settingsProblems.push(`disk ${onDisk.vectorPrecision} ≠ memory ${now.vectorPrecision}`);
  tally.record('concurrent writes', settingsProblems, '20 settings.update at once');
  const same = await Promise.all(Array.from({ length: 10 }, () => http(server, `/uploads${token}`, { method: 'POST', body: png })));
  const ids = new Set(same.map((r) => r.status === 200 && JSON.parse(r.body).id));
  tally.record('concurrent writes', ids.size === 1 && !ids.has(false) ? [] : [`statuses ${same.map((r) => r.status).join(',')}`], '10 uploads of one file at once');
  const different = await Promise.all(worldPhotos().slice(0, 10).map((f) => http(server, `/uploads${token}`, { method: 'POST', body: readFileSync(f) })));
  tally.record('concurrent writes', different.every((r) => r.status === 200) ? [] : ['an upload failed'], '10 different uploads at once');

  // Server mode: what it refuses and serves.
  const inside = await client.call('library.roots.add', { path: join(home, 'photos') });
  tally.record('server-mode confinement', inside.ok ? [] : [inside.error.message], 'a folder inside --allow-roots (HOME) is added');
  mkdirSync(join(dataDir, 'cache', 'thumbs', 'zz'), { recursive: true });
  writeFileSync(join(dir, 'secret.txt'), 'outside the data folder');
  symlinkSync(join(dir, 'secret.txt'), join(dataDir, 'cache', 'thumbs', 'zz', 'leak.webp'));
  const leak = await http(server, `/thumbs/zz/leak.webp${token}`);
  tally.record('server-mode confinement', leak.status === 404 ? [] : [`served with ${leak.status}`], 'a symlink in the thumbnail folder to a file outside');
  const tunnel = await http(server, `/${token}`, { headers: { host: 'localhost:8080' } });
  tally.record('server-mode confinement', tunnel.status === 200 ? [] : [`status ${tunnel.status}`], 'Host localhost:8080 (SSH tunnel on another port)');
  const rebinding = await http(server, `/${token}`, { headers: { host: 'attacker.example:8080' } });
  tally.record('server-mode confinement', rebinding.status === 421 ? [] : [`status ${rebinding.status}`], 'Host attacker.example (DNS rebinding)');

  client.close();
  await server.stop();
  tally.record('host after wire faults', await restartAndCheck(dataDir), 'restart, verify, integrity');
  log(`wire: ${MESSAGES.length + 1} message kinds, ${uploads.length + 1} upload kinds`);
  return checkData(dataDir);
}
