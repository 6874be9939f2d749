import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, shell } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_UPLOAD, isFileRoutePath, matchFileRoute, type UploadAnswer } from '@contract';
import { LOCATION_OPTIONS, locationFlags, resolveLocations } from '../engine/config/locations';
import { parseAllowRoots } from '../engine/config/confinement';
import { startEngine, type Services } from '../engine/app-services';
import { sqliteBindingFor, useSqliteBinding } from '../engine/storage/sqlite-binding';
import { createDispatcher } from '../host/dispatcher';
import { serviceHandlers } from '../host/handlers';
import { contentSecurityPolicy, securityHeaders } from '../host/security-headers';
import { resolveInside, resolveRealInside } from '../host/static-files';
import { uploadAnswer } from '../host/upload-answer';
import { registerDesktopActions } from './desktop-actions';

const APP_SCHEME = 'studio';
const APP_ORIGIN = `${APP_SCHEME}://app`;
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));
// out/main/app.js → the folder holding package.json and node_modules.
const appRoot = fileURLToPath(new URL('../..', import.meta.url));

const { values } = parseArgs({ options: { ...LOCATION_OPTIONS, 'allow-roots': { type: 'string' } }, strict: false, args: process.argv.slice(app.isPackaged ? 1 : 2) });
// Opt-in for the desktop window: --allow-roots confines library folders as in server mode (settings stay local).
const allowRoots = typeof values['allow-roots'] === 'string' ? values['allow-roots'] : undefined;
const locations = resolveLocations(locationFlags(values));
const { dataDir } = locations;
app.setPath('userData', join(dataDir, 'electron'));

// The renderer is served from a privileged custom scheme so 'self' in the CSP means the app and nothing else.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function isAppUrl(url: string): boolean {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  return url.startsWith(`${APP_ORIGIN}/`) || (!!devUrl && url.startsWith(devUrl));
}

/** Serves the renderer, thumbnails under /thumbs/ and edit pictures under /turns/ — nothing else from disk. */
function serveRenderer(thumbDir: string, turnsDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const route = matchFileRoute(url.pathname);
    const folder = route ? { thumbs: thumbDir, turns: turnsDir }[route.route] : null;
    const file = url.host !== 'app' ? null : isFileRoutePath(url.pathname) ? folder && route && (await resolveRealInside(folder, route.rest)) : resolveInside(rendererDir, url.pathname);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    for (const [k, v] of Object.entries(securityHeaders({ onlineMapTiles: onlineMapTiles() }))) headers.set(k, v);
    return new Response(response.body, { status: response.status, headers });
  });
}

function lockDown(win: BrowserWindow): void {
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Whether the page may load online map tiles (the setting; off until the engine is up). */
let onlineMapTiles = (): boolean => false;

async function createWindow(engine: Services): Promise<void> {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Compose Studio',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  lockDown(win);
  const off = engine.events.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, event);
  });
  win.on('closed', off);
  win.once('ready-to-show', () => win.show());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  await win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy({ onlineMapTiles: onlineMapTiles() })] } });
  });
  let engine: Services;
  try {
    const versions = { electron: process.versions.electron, modules: process.versions.modules };
    useSqliteBinding(sqliteBindingFor({ ...versions, root: appRoot, packaged: app.isPackaged }));
    const confinement = allowRoots === undefined ? undefined : { allowRoots: parseAllowRoots(allowRoots), allowRemoteSettings: true };
    engine = await startEngine({ ...locations, host: 'electron', electronVersion: process.versions.electron, confinement });
  } catch (error) {
    dialog.showErrorBox('Compose Studio cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  onlineMapTiles = () => engine.settings.view().settings.onlineMapTiles === true;
  serveRenderer(engine.files.thumbDir, engine.files.turnsDir);
  engine.library.verifyInBackground((line) => console.log(line));
  engine.library.keepInSync();
  const dispatch = createDispatcher(serviceHandlers(engine), {
    onInternalError: (error, method) => console.error(`[engine] ${method} failed:`, error),
    explain: (error) => engine.app.explainFailure(error),
  });
  ipcMain.handle(IPC_CALL, (event, frame: unknown) => {
    const sender = event.senderFrame?.url ?? '';
    if (!isAppUrl(sender)) {
      return { id: null, ok: false, error: { code: 'BAD_FRAME', message: 'Calls are accepted only from the studio window.' } };
    }
    return dispatch(frame, { transport: 'ipc' });
  });

  ipcMain.handle(IPC_UPLOAD, (event, bytes: unknown): Promise<UploadAnswer> => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('Uploads are accepted only from the studio window.');
    if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) throw new Error('An upload must be the file’s bytes.');
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return uploadAnswer(() => engine.uploads.put(view), (error) => console.error('[engine] storing an upload failed:', error));
  });

  registerDesktopActions(engine, isAppUrl);

  await createWindow(engine);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow(engine);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void engine.close());
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
});

void main();
