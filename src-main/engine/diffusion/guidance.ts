/**
 * Dual classifier-free guidance (InstructPix2Pix; CompoDiff in CLIP space), elementwise over three model outputs:
 *   ε̂ = ε(∅,∅) + s_I·(ε(c_I,∅) − ε(∅,∅)) + s_T·(ε(c_I,c_T) − ε(c_I,∅)).
 * More s_T follows the text, more s_I stays with the image. Linear, so it holds for ε-, x₀- or v-parametrized outputs alike.
 */
export function dualGuidance(uncond: Float32Array, image: Float32Array, full: Float32Array, imageScale: number, textScale: number): Float32Array {
  const out = new Float32Array(uncond.length);
  for (let i = 0; i < out.length; i++) {
    const u = uncond[i]!;
    const c = image[i]!;
    out[i] = u + imageScale * (c - u) + textScale * (full[i]! - c);
  }
  return out;
}

/** Plain classifier-free guidance: ε̂ = ε(∅) + s·(ε(c) − ε(∅)). */
export function guidance(uncond: Float32Array, cond: Float32Array, scale: number): Float32Array {
  const out = new Float32Array(uncond.length);
  for (let i = 0; i < out.length; i++) out[i] = uncond[i]! + scale * (cond[i]! - uncond[i]!);
  return out;
}
