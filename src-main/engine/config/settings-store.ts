import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SettingsSchema, type Settings } from '@contract';

const DEFAULTS: Settings = { modelsDir: null, modelMirror: null, vectorPrecision: 'f16', clipModel: null, composer: 'sum', modelVariants: {}, firstRunDone: false };

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
      await rename(file, aside);
      return new SettingsStore(file, { ...DEFAULTS }, `settings.json could not be read (${(error as Error).message.split('\n')[0]}); it was moved to ${aside} and defaults are used.`);
    }
  }

  get(): Settings {
    return { ...this.current };
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...this.current, ...patch });
    await mkdir(join(this.file, '..'), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`);
    await rename(temp, this.file);
    this.current = next;
    return this.get();
  }
}
