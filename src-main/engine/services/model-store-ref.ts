import type { ModelStore } from '../models/model-store';

/** The model store as currently in effect: Settings rebuilds it when the models folder, mirror or a variant changes. */
export class ModelStoreRef {
  private store: ModelStore;

  constructor(private readonly create: () => ModelStore) {
    this.store = create();
  }

  get current(): ModelStore {
    return this.store;
  }

  rebuild(): void {
    this.store = this.create();
  }
}
