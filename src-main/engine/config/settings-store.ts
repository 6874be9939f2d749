import { readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SettingsSchema, type Settings } from '@contract';
import { writeFileAtomic } from '../storage/atomic-write';
import { writeError } from '../storage/io-errors';

const DEFAULTS: Settings = { modelsDir: null, modelMirror: null, vectorPrecision: 'f16', clipModel: null, composer: 'sum', modelVariants: {}, firstRunDone: false, onlineMapTiles: false };

/** settings.json in the data dir: validated on read, written atomically; a damaged file is set aside, never lost. */
export class SettingsStore {
  private constructor(
    private readonly file: string,
    private current: Settings,
    /** Set when the file on disk could not be used, saying where it was moved. */
    readonly problem: string | null,
  ) {}

  static async open(dataDir: string): Promise<SettingsStore> {
    const file = join(dataDir, 'settings.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return new SettingsStore(file, { ...DEFAULTS }, null);
    }
    try {
      const parsed = SettingsSchema.partial().parse(JSON.parse(text));
      return new SettingsStore(file, { ...DEFAULTS, ...parsed }, null);
    } catch (error) {
      const aside = `${file}.damaged-${Date.now()}`;
      const why = (error as Error).message.split('\n')[0];
      try {
        await rename(file, aside);
      } catch {
        return new SettingsStore(file, { ...DEFAULTS }, `settings.json could not be read (${why}); defaults are used (the file was left in place: the folder cannot be written).`);
      }
      return new SettingsStore(file, { ...DEFAULTS }, `settings.json could not be read (${why}); it was moved to ${aside} and defaults are used.`);
    }
  }

  get(): Settings {
    return { ...this.current };
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...this.current, ...patch });
    // Memory follows the order of calls, and so does the disk (writes to one file are queued), so they agree; a failed
    // write takes its change back out of memory.
    const previous = this.current;
    this.current = next;
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    } catch (error) {
      if (this.current === next) this.current = previous;
      throw writeError(dirname(this.file), error);
    }
    return this.get();
  }
}
