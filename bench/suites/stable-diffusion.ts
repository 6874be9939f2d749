import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ensureFixtures } from '../../models/fixtures';
import { HIDDEN } from '../../models/generators/stable-diffusion';
import { measure, type Sample } from '../measure';

/**
 * The tiny SD fixtures' cost per denoising step at 64×64 (8×8 latents), with the three classifier-free-guidance branches
 * batched in one UNet call, plus a VAE encode/decode — what a 20-step edit on the fixtures pays.
 */
export async function tinyStableDiffusion(log: (line: string) => void): Promise<Sample[]> {
  const paths = await ensureFixtures(process.cwd(), log);
  const samples: Sample[] = [];
  for (const [kind, channels] of [['text2img', 4], ['instruct', 8], ['inpaint', 9]] as const) {
    const dir = paths.sd[kind];
    const unet = await ort.InferenceSession.create(join(dir, 'unet', 'model.onnx'));
    const feeds = {
      sample: new ort.Tensor('float32', new Float32Array(3 * channels * 64).fill(0.1), [3, channels, 8, 8]),
      timestep: new ort.Tensor('int64', BigInt64Array.from([500n, 500n, 500n]), [3]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(3 * 77 * HIDDEN).fill(0.01), [3, 77, HIDDEN]),
    };
    samples.push(await measure('tiny SD UNet step, 64×64, 3 CFG branches', `${channels}-channel (${kind})`, () => unet.run(feeds), 200, 20));
    await unet.release();
  }
  const enc = await ort.InferenceSession.create(join(paths.sd.instruct, 'vae_encoder', 'model.onnx'));
  const dec = await ort.InferenceSession.create(join(paths.sd.instruct, 'vae_decoder', 'model.onnx'));
  const image = new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.2), [1, 3, 64, 64]);
  samples.push(
    await measure('tiny SD VAE encode + decode, 64×64', 'cpu', async () => dec.run({ latent_sample: (await enc.run({ sample: image })).latent_sample! }), 200, 20),
  );
  return samples;
}
