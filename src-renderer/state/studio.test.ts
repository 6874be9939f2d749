import { describe, expect, it } from 'vitest';
import { StudioState } from './studio.svelte';
import { FakeEngine, settle } from './testing/fake-engine';
import { shownError } from './testing/fixtures';

describe('StudioState', () => {
  it('follows the connection and asks the engine about itself each time it opens', async () => {
    const fake = new FakeEngine().fail('app.info', 'UNAVAILABLE', 'The engine is starting.');
    const studio = new StudioState(fake.client);
    expect(studio.connection).toBe('connecting');
    fake.setStatus('open');
    await settle();
    expect(studio.connection).toBe('open');
    expect(shownError(studio.error)).toContain('starting');
    fake.setStatus('closed');
    expect(studio.connection).toBe('closed');
    expect(fake.paramsOf('app.info')).toHaveLength(1);
  });
});
