import { AppError, type Album } from '@contract';
import { callDirect, type Dispatch } from '../host/dispatcher';
import type { Services } from '../engine/app-services';
import { type Command, print } from './shared';

const USAGE = 'Usage: albums list | albums create NAME [PHOTO…] | albums add NAME PHOTO… | albums remove NAME PHOTO… | albums rename NAME NEW | albums delete NAME';
const line = (a: Album) => `${a.name} (${a.count} ${a.count === 1 ? 'photo' : 'photos'})`;

async function albumNamed(dispatch: Dispatch, name: string | undefined): Promise<Album> {
  const found = (await callDirect(dispatch, 'albums.list', {})).find((a) => a.name.toLowerCase() === name?.trim().toLowerCase());
  if (!found) throw new AppError('NOT_FOUND', `No album named “${name ?? ''}”.`);
  return found;
}

const photoIds = (engine: Services, paths: string[]) => paths.map((p) => engine.library.itemByPath(p).id);

/** albums list / create / add / remove / rename / delete: albums by name, photos by path. */
export const albumCommands: Record<string, Command> = {
  albums: async (dispatch, engine, opts) => {
    const [sub = 'list', name, ...rest] = opts.args;
    if (sub === 'list') {
      const list = await callDirect(dispatch, 'albums.list', {});
      return print(opts, list, list.map(line).join('\n') || 'No albums yet.');
    }
    if (!name) throw new AppError('INVALID_PARAMS', USAGE);
    if (sub === 'create') {
      const album = await callDirect(dispatch, 'albums.create', { name, ...(rest.length ? { itemIds: photoIds(engine, rest) } : {}) });
      return print(opts, album, `Made ${line(album)}.`);
    }
    if ((sub === 'add' || sub === 'remove') && rest.length) {
      const { id } = await albumNamed(dispatch, name);
      const album = await callDirect(dispatch, sub === 'add' ? 'albums.addItems' : 'albums.removeItems', { id, itemIds: photoIds(engine, rest) });
      return print(opts, album, `${line(album)}.`);
    }
    if (sub === 'rename' && rest[0]) {
      const album = await callDirect(dispatch, 'albums.rename', { id: (await albumNamed(dispatch, name)).id, name: rest[0] });
      return print(opts, album, `Renamed to ${album.name}.`);
    }
    if (sub === 'delete') {
      const album = await albumNamed(dispatch, name);
      await callDirect(dispatch, 'albums.delete', { id: album.id });
      return print(opts, { removed: true }, `Deleted the album ${album.name}; its photos stay in the library.`);
    }
    throw new AppError('INVALID_PARAMS', USAGE);
  },
};
