import { describe, expect, it } from 'vitest';
import { AppError } from '@contract';
import { dataDirError, explainIoFailure, isUnwritableDataDir } from './data-folder';

describe('data folder failures', () => {
  it('names the folder and the cause: full, read-only, no permission; other errors are left alone', () => {
    const full = explainIoFailure('/data', Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(full).toMatchObject({ code: 'INSUFFICIENT_SPACE', message: 'Cannot write to /data: the disk is full.' });
    const readOnly = dataDirError('/data', Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY_DIRECTORY' }));
    expect(readOnly).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/^The data folder \/data cannot be written: the folder is read-only\./) });
    expect(isUnwritableDataDir(readOnly)).toBe(true);
    expect(explainIoFailure('/data', Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/photos/a.jpg' }))).toMatchObject({ message: 'Cannot use /photos/a.jpg: permission denied.' });
    expect(explainIoFailure('/data', new TypeError('x is undefined'))).toBeNull();
    expect(dataDirError('/data', new AppError('BAD_IMAGE', 'no'))).toBeNull();
  });
});
