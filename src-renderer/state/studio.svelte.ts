import { explainError, type Problem } from '@contract';
import type { AppInfo } from '@contract';
import type { StudioClient } from '../api/client';
import type { ConnectionStatus } from '../api/transport';
import { hostMode } from './host-mode.svelte';

/** Connection and engine facts shown in the status bar and Settings. */
export class StudioState {
  info = $state<AppInfo | null>(null);
  connection = $state<ConnectionStatus>('connecting');
  error = $state<Problem | null>(null);

  constructor(private readonly client: StudioClient) {
    client.onStatus((status) => {
      this.connection = status;
      if (status === 'open') void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    try {
      this.info = await this.client.call('app.info', {});
      hostMode.host = this.info.host;
      this.error = null;
    } catch (error) {
      this.error = explainError(error);
    }
  }
}
