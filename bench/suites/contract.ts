import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startEngine } from '../../src-main/engine/app-services';
import { createDispatcher } from '../../src-main/host/dispatcher';
import { serviceHandlers } from '../../src-main/host/handlers';
import { startHttpHost } from '../../src-main/host/http-host';
import { measure, type Sample } from '../measure';

/** The cost of one contract call in-process vs. through the loopback WebSocket host (what every UI action pays). */
export async function contractRoundTrip(): Promise<Sample[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'studio-bench-'));
  const engine = await startEngine({ dataDir, host: 'server' });
  const dispatch = createDispatcher(serviceHandlers(engine));
  const host = await startHttpHost({ dispatch, subscribe: (l) => engine.events.subscribe(l), staticDir: dataDir, port: 0 });
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waiting = new Map<number, () => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    waiting.get(frame.id)?.();
    waiting.delete(frame.id);
  });
  let id = 0;
  const overSocket = (method: string) => () =>
    new Promise<void>((resolve) => {
      const frameId = ++id;
      waiting.set(frameId, resolve);
      ws.send(JSON.stringify({ id: frameId, method, params: {} }));
    });
  const direct = (method: string) => () => dispatch({ id: 1, method, params: {} }, { transport: 'direct' });

  try {
    return [
      await measure('jobs.list round trip', 'in-process dispatch', direct('jobs.list')),
      await measure('jobs.list round trip', 'loopback WebSocket', overSocket('jobs.list')),
      await measure('app.info round trip', 'in-process dispatch', direct('app.info'), 500, 50),
      await measure('app.info round trip', 'loopback WebSocket', overSocket('app.info'), 500, 50),
    ];
  } finally {
    ws.close();
    await host.close();
    await engine.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
