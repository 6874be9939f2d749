import type { ClipProvider } from '../clip/clip-provider';
import type { ComposerRegistry } from '../compose/composer-registry';
import type { JobRunner } from '../jobs/runner';
import type { Uploads } from '../storage/uploads';
import type { AppService } from './app-service';
import type { ConceptsService } from './concepts-service';
import type { EditService } from './edit-service';
import type { EventBus } from './events';
import type { GroundingService } from './grounding-service';
import type { LibraryService } from './library-service';
import type { ModelsService } from './models-service';
import type { SearchService } from './search-service';
import type { SettingsService } from './settings-service';
import type { TextService } from './text-service';
import type { Albums } from '../library/albums';

/** What startEngine returns: the services the hosts, the CLI, eval and bench call, and the model providers they share. */
export interface Services {
  app: AppService;
  jobs: JobRunner;
  /** Job progress, edit step previews and concept progress, for the hosts to push to clients. */
  events: EventBus;
  uploads: Uploads;
  /** CLIP models by key: get (null when not installed) and require (MODEL_MISSING with how to install). */
  clip: ClipProvider;
  composers: ComposerRegistry;
  library: LibraryService;
  albums: Albums;
  search: SearchService;
  edit: EditService;
  concepts: ConceptsService;
  grounding: GroundingService;
  models: ModelsService;
  settings: SettingsService;
  text: TextService;
  /** The folders the hosts serve /thumbs/… and /turns/… from, and nowhere else. */
  files: { thumbDir: string; turnsDir: string };
  /** Stops watching, waits for startup cleaning and running jobs, closes the databases and releases the sessions. */
  close(): Promise<void>;
}
