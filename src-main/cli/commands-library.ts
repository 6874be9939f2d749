import { AppError, formatBytes, formatExposure, formatIndexedFrom, type ItemDetail } from '@contract';
import { callDirect } from '../host/dispatcher';
import { type Command, print } from './shared';

const place = (gps: { lat: number; lon: number }) => `${Math.abs(gps.lat).toFixed(5)}° ${gps.lat >= 0 ? 'N' : 'S'}, ${Math.abs(gps.lon).toFixed(5)}° ${gps.lon >= 0 ? 'E' : 'W'}`;

function describe(item: ItemDetail): string {
  const rows: [string, string | null][] = [
    ['Path', item.path],
    ['Size', item.width && item.height ? `${item.width} × ${item.height} px · ${formatBytes(item.size)}` : formatBytes(item.size)],
    ['Format', item.format],
    ['Taken', item.takenAt ? new Date(item.takenAt).toISOString() : null],
    ['Camera', item.camera],
    ['Lens', item.lens],
    ['Exposure', item.exposure ? formatExposure(item.exposure) : null],
    ['Location', item.gps ? place(item.gps) : null],
    ['Title', item.title],
    ['Caption', item.caption],
    ['Tags', item.tags.join(', ') || null],
    ['Rating', `${'★'.repeat(item.rating)}${'☆'.repeat(5 - item.rating)}${item.flag === 'none' ? '' : ` · ${item.flag === 'pick' ? 'picked' : 'rejected'}`}`],
    ['Status', item.error ? `${item.status}: ${item.error}` : item.status],
  ];
  if (item.embeddedPreview) rows.push(['Decoded', formatIndexedFrom(item.embeddedPreview)!.replace(/^Indexed from /, '')]);
  return rows.map(([k, v]) => `${k.padEnd(9)} ${v ?? '—'}`).join('\n');
}

/** item and tag: a photo's stored metadata, and tagging from the command line. */
export const libraryCommands: Record<string, Command> = {
  item: async (dispatch, engine, opts) => {
    const [path] = opts.args;
    if (!path) throw new AppError('INVALID_PARAMS', 'Usage: item PATH [--json]');
    const { id } = engine.library.itemByPath(path);
    const item = await callDirect(dispatch, 'library.item', { id });
    print(opts, item, describe(item));
  },
  tag: async (dispatch, engine, opts) => {
    const [path] = opts.args;
    const add = (opts.values.add as string[] | undefined) ?? [];
    const remove = (opts.values.remove as string[] | undefined) ?? [];
    if (!path || (add.length === 0 && remove.length === 0)) throw new AppError('INVALID_PARAMS', 'Usage: tag PATH --add WORD [--add WORD…] [--remove WORD…]');
    const { id } = engine.library.itemByPath(path);
    await callDirect(dispatch, 'library.items.update', { ids: [id], addTags: add, removeTags: remove });
    const item = await callDirect(dispatch, 'library.item', { id });
    print(opts, { path: item.path, tags: item.tags }, `${item.path}: ${item.tags.join(', ') || 'no tags'}`);
  },
};
