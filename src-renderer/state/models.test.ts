import { describe, expect, it } from 'vitest';
import type { ModelStatus } from '@contract';
import { JobsState } from './jobs.svelte';
import { ModelsState } from './models.svelte';
import { FakeEngine, settle } from './testing/fake-engine';
import { job, model, settingsView, shownError } from './testing/fixtures';

const recommendation = {
  machine: { provider: 'cpu', gpu: false, cpus: 2, ramBytes: 8e9, freeDiskBytes: null },
  items: [{ id: 'clip', title: 'CLIP', task: 'clip', variant: 'fp16' as const, approxBytes: 100, selected: true, why: 'search', speed: 'fast' }],
  notes: [],
};

function engine(models: ModelStatus[] = [model('clip', false)], firstRunDone = false) {
  let settings = settingsView(firstRunDone);
  return new FakeEngine()
    .handle('models.list', () => models)
    .handle('settings.get', () => settings)
    .handle('settings.update', (patch) => (settings = { ...settings, settings: { ...settings.settings, ...patch } }))
    .handle('models.recommend', () => recommendation)
    .handle('models.download', ({ id }) => job(`dl-${id}`, 'models.download'));
}

async function opened(fake = engine()) {
  const jobs = new JobsState(fake.client);
  const models = new ModelsState(fake.client, jobs);
  fake.setStatus('open');
  await settle();
  return { fake, jobs, models };
}

describe('ModelsState', () => {
  it('opens the first-run guide once when no model is installed and the guide was never used', async () => {
    const { fake, models } = await opened();
    expect(models.guideOpen).toBe(true);
    expect(models.guide?.items.map((i) => i.id)).toEqual(['clip']);
    models.guideOpen = false;
    await models.load();
    expect(models.guideOpen).toBe(false);
    expect(fake.paramsOf('models.recommend')).toHaveLength(1);
  });

  it('does not open the guide when a model is installed or the guide was skipped', async () => {
    for (const fake of [engine([model('clip', true)]), engine([model('clip', false)], true)]) {
      const { models } = await opened(fake);
      expect(models.guideOpen).toBe(false);
      expect(fake.paramsOf('models.recommend')).toEqual([]);
    }
  });

  it('starts the chosen downloads with their variant, then closes the guide for good', async () => {
    const { fake, jobs, models } = await opened();
    await models.startGuide([{ id: 'clip', variant: 'fp16' }]);
    expect(fake.paramsOf('models.download')).toEqual([{ id: 'clip', variant: 'fp16' }]);
    expect(models.jobFor('clip')?.id).toBe('dl-clip');
    expect(jobs.jobs.map((j) => j.id)).toEqual(['dl-clip']);
    expect(fake.paramsOf('settings.update')).toEqual([{ firstRunDone: true }]);
    expect(models.guideOpen).toBe(false);
    expect(models.settings?.settings.firstRunDone).toBe(true);
  });

  it('reloads the list when a download ends', async () => {
    const { fake, models } = await opened();
    await models.download('clip');
    const loads = fake.paramsOf('models.list').length;
    fake.handle('models.list', () => [model('clip', true)]);
    fake.emit('job.progress', job('dl-clip', 'models.download', 'done'));
    await settle();
    expect(fake.paramsOf('models.list')).toHaveLength(loads + 1);
    expect(models.models[0]!.installed).toBe(true);
  });

  it('keeps a refused setting out and says why, apart from the model list error', async () => {
    const { fake, models } = await opened();
    fake.fail('settings.update', 'INVALID_PARAMS', 'The models folder must be an absolute path.');
    expect(await models.saveSettings({ modelsDir: 'relative' })).toBe(false);
    expect(shownError(models.settingsError)).toContain('absolute path');
    expect(models.error).toBeNull();
    expect(models.settings?.settings.modelsDir).toBeNull();
  });
});
