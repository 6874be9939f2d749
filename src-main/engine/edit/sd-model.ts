import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ort } from '../shared/native-packages';
import { AppError } from '@contract';
import type { ClipTokenizer } from '../clip/tokenizer';
import { loadSdTokenizer } from '../clip/sd-tokenizer';
import { schedulerConfigFrom, type SchedulerConfig } from '../diffusion/scheduler';
import { readJsonOrEmpty as readJson } from '../models/json-file';
import type { RunnableSession, SessionPool } from '../models/session-pool';
import type { Signature } from '../models/signature';
import { floatTensor, halfSignature, toFloat32 } from '../models/tensor-precision';
import { resourceDir } from '../shared/resources';

export type UnetKind = 'text2img' | 'instruct' | 'inpaint';
const KIND_BY_CHANNELS: Record<number, UnetKind> = { 4: 'text2img', 8: 'instruct', 9: 'inpaint' };

const TEXT_ENCODER: Signature = {
  role: 'Stable Diffusion text encoder',
  inputs: [{ name: 'input_ids', type: 'int32', rank: 2 }],
  outputs: [{ name: 'last_hidden_state', type: 'float32', rank: 3 }],
};
const TEXT_ENCODER_I64: Signature = { ...TEXT_ENCODER, inputs: [{ name: 'input_ids', type: 'int64', rank: 2 }] };
const UNET: Signature = {
  role: 'Stable Diffusion UNet',
  inputs: [
    { name: 'sample', type: 'float32', rank: 4 },
    { name: 'timestep', type: 'int64', rank: 1 },
    { name: 'encoder_hidden_states', type: 'float32', rank: 3 },
  ],
  outputs: [{ name: 'out_sample', type: 'float32', rank: 4 }],
};
const UNET_FLOAT_TIME: Signature = { ...UNET, inputs: UNET.inputs.map((i) => (i.name === 'timestep' ? { ...i, type: 'float32' as const } : i)) };
const VAE_ENCODER: Signature = { role: 'Stable Diffusion VAE encoder', inputs: [{ name: 'sample', type: 'float32', rank: 4 }], outputs: [{ name: 'latent_sample', type: 'float32', rank: 4 }] };
const VAE_DECODER: Signature = { role: 'Stable Diffusion VAE decoder', inputs: [{ name: 'latent_sample', type: 'float32', rank: 4 }], outputs: [{ name: 'sample', type: 'float32', rank: 4 }] };

/** Stable Diffusion 1.x's known latent → RGB approximation, for step previews when the model folder gives none. */
const SD_LATENT_RGB = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];


/**
 * The folder's scheduler config; some exports ship none (TensorStack's InstructPix2Pix), and then SD 1.5's published
 * one (resources/sd15-scheduler, the noise schedule every SD 1.x model was trained with) is used.
 */
export function schedulerFile(dir: string): string {
  const own = join(dir, 'scheduler', 'scheduler_config.json');
  const bundled = resourceDir('sd15-scheduler');
  return existsSync(own) || !bundled ? own : join(bundled, 'scheduler_config.json');
}

/** A Stable Diffusion 1.x ONNX folder (Optimum / diffusers layout), sessions from the shared pool. */
export class SdModel {
  /** The execution providers this model's sessions were created with (a part may have fallen back to the CPU). */
  private readonly providersUsed = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly kind: UnetKind,
    readonly tokenizer: ClipTokenizer,
    readonly scheduler: SchedulerConfig,
    readonly scalingFactor: number,
    /** Pixels per latent cell × the UNet's downsampling: sizes are rounded to this. */
    readonly sizeMultiple: number,
    readonly latentRgb: number[][],
    private readonly pool: SessionPool,
  ) {}

  static async load(dir: string, pool: SessionPool): Promise<SdModel> {
    for (const part of ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder']) {
      if (!existsSync(join(dir, part, 'model.onnx'))) throw new AppError('MODEL_MISSING', `${dir} has no ${part}/model.onnx (an Optimum ONNX export is expected).`, { dir });
    }
    const [unetConfig, vaeConfig, schedulerRaw] = await Promise.all([
      readJson(join(dir, 'unet', 'config.json')),
      readJson(join(dir, 'vae_decoder', 'config.json')),
      readJson(schedulerFile(dir)),
    ]);
    let channels = typeof unetConfig.in_channels === 'number' ? unetConfig.in_channels : null;
    if (channels === null) {
      const file = join(dir, 'unet', 'model.onnx');
      const { session } = await pool.get(file, [UNET, UNET_FLOAT_TIME, halfSignature(UNET), halfSignature(UNET_FLOAT_TIME)]);
      const meta = session.inputMetadata.find((m) => m.name === 'sample');
      channels = meta?.isTensor && typeof meta.shape[1] === 'number' ? meta.shape[1] : 4;
    }
    const kind = KIND_BY_CHANNELS[channels];
    if (!kind) throw new AppError('MODEL_MISMATCH', `${dir}: a UNet with ${channels} input channels is none of text-to-image (4), instruction edit (8) or inpainting (9).`);
    const blocks = Array.isArray(unetConfig.block_out_channels) ? unetConfig.block_out_channels.length : 1;
    const factors = Array.isArray(vaeConfig.latent_rgb_factors) ? (vaeConfig.latent_rgb_factors as number[][]) : SD_LATENT_RGB;
    return new SdModel(
      dir,
      kind,
      await loadSdTokenizer(dir),
      schedulerConfigFrom(schedulerRaw),
      typeof vaeConfig.scaling_factor === 'number' ? vaeConfig.scaling_factor : 0.18215,
      8 * 2 ** Math.max(0, blocks - 1),
      factors,
      pool,
    );
  }

  private part(name: string): string {
    return join(this.dir, name, 'model.onnx');
  }

  /** The session of a part, which must fit one of the signatures (exports differ in integer and float types). */
  private async session(name: string, signatures: Signature[]): Promise<RunnableSession> {
    const pooled = await this.pool.get(this.part(name), signatures);
    this.providersUsed.add(pooled.provider);
    return pooled.session;
  }

  /**
   * The provider the model actually ran on, as recorded with turns (replays match bit for bit only on the same one):
   * `cuda`, `cpu`, or `cuda+cpu` when some part fell back; null before any part ran.
   */
  get provider(): string | null {
    return this.providersUsed.size ? [...this.providersUsed].sort().join('+') : null;
  }

  /** Text encoder hidden states for each text, padded to 77 tokens: [count, 77, hidden]. */
  async encodeText(texts: string[]): Promise<ort.Tensor> {
    const pooled = { session: await this.session('text_encoder', [TEXT_ENCODER, TEXT_ENCODER_I64, halfSignature(TEXT_ENCODER), halfSignature(TEXT_ENCODER_I64)]) };
    const meta = pooled.session.inputMetadata.find((m) => m.name === 'input_ids');
    const batch = this.tokenizer.encodeBatch(texts, 77);
    const ids = meta?.isTensor && meta.type === 'int64' ? new ort.Tensor('int64', batch.ids, [batch.count, 77]) : new ort.Tensor('int32', Int32Array.from(batch.ids, Number), [batch.count, 77]);
    const states = (await pooled.session.run({ input_ids: ids }, ['last_hidden_state'])).last_hidden_state!;
    return new ort.Tensor('float32', toFloat32(states), states.dims);
  }

  async unet(sample: ort.Tensor, timestep: number, context: ort.Tensor): Promise<Float32Array> {
    const session = await this.session('unet', [UNET, UNET_FLOAT_TIME, halfSignature(UNET), halfSignature(UNET_FLOAT_TIME)]);
    const timeType = session.inputMetadata.find((m) => m.name === 'timestep');
    const time =
      timeType?.isTensor && timeType.type !== 'int64'
        ? floatTensor(session, 'timestep', Float32Array.from([timestep]), [1])
        : new ort.Tensor('int64', BigInt64Array.from([BigInt(timestep)]), [1]);
    const result = await session.run(
      {
        sample: floatTensor(session, 'sample', sample.data as Float32Array, sample.dims),
        timestep: time,
        encoder_hidden_states: floatTensor(session, 'encoder_hidden_states', context.data as Float32Array, context.dims),
      },
      ['out_sample'],
    );
    return toFloat32(result.out_sample!);
  }

  /** Pixels [1, 3, h, w] in −1…1 → latents [1, 4, h/8, w/8] (not yet scaled). */
  async encodeImage(pixels: ort.Tensor): Promise<ort.Tensor> {
    const session = await this.session('vae_encoder', [VAE_ENCODER, halfSignature(VAE_ENCODER)]);
    const out = (await session.run({ sample: floatTensor(session, 'sample', pixels.data as Float32Array, pixels.dims) }, ['latent_sample'])).latent_sample!;
    return new ort.Tensor('float32', toFloat32(out), out.dims);
  }

  /** Latents (unscaled) → pixels in −1…1. */
  async decodeLatents(latents: ort.Tensor): Promise<ort.Tensor> {
    const session = await this.session('vae_decoder', [VAE_DECODER, halfSignature(VAE_DECODER)]);
    const out = (await session.run({ latent_sample: floatTensor(session, 'latent_sample', latents.data as Float32Array, latents.dims) }, ['sample'])).sample!;
    return new ort.Tensor('float32', toFloat32(out), out.dims);
  }
}
