import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../storage/db';
import { UPLOAD_MAX_AGE_MS, Uploads } from '../storage/uploads';
import { SavedQueries } from '../compose/saved-queries';
import { cleanUp } from './housekeeping';

it('sweeps old temp files and unused uploads, keeping uploads a saved query (even an unreadable one) or a turn still names', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'studio-housekeeping-'));
  const uploads = new Uploads(join(dataDir, 'uploads'));
  const [inQuery, inNewerQuery, inTurn, unused] = await Promise.all(['q', 'n', 't', 'u'].map((s) => uploads.put(new TextEncoder().encode(s))));
  const past = new Date(Date.now() - UPLOAD_MAX_AGE_MS - 60_000);
  for (const id of [inQuery!, inNewerQuery!, inTurn!, unused!]) await utimes(join(dataDir, 'uploads', id), past, past);
  await writeFile(join(dataDir, 'settings.json.4194305.tmp'), '{');
  const db = openDatabase(join(dataDir, 'library.db'));
  const save = db.prepare('INSERT INTO saved_queries (name, query, created_at) VALUES (?, ?, ?)');
  save.run('mine', JSON.stringify({ reference: { uploadId: inQuery }, conditions: ['red'] }), 1);
  // A row a newer studio wrote, which this one cannot parse: the upload it names is still kept.
  save.run('newer', JSON.stringify({ future: { upload: inNewerQuery } }), 2);
  const savedQueries = new SavedQueries(db);
  await cleanUp(dataDir, uploads, { hashes: () => [...savedQueries.referencedHashes(), inTurn!] });
  expect((await readdir(join(dataDir, 'uploads'))).sort()).toEqual([inQuery!, inNewerQuery!, inTurn!].sort());
  expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  db.close();
});
