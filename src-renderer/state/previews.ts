/**
 * Small previews of pictures this browser uploaded (dropped references, painted regions), kept in localStorage by
 * upload id, so a saved or reloaded search shows its reference and region again. The host does not serve uploads back.
 */
const PREFIX = 'studio.preview.';
const MAX_ENTRIES = 40;
const MAX_SIDE = 480;

export async function rememberPreview(uploadId: string, picture: Blob, kind: 'photo' | 'mask'): Promise<void> {
  try {
    const bitmap = await createImageBitmap(picture);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const url = kind === 'mask' ? canvas.toDataURL('image/png') : canvas.toDataURL('image/jpeg', 0.85);
    const keys = Object.keys(localStorage).filter((k) => k.startsWith(PREFIX));
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES + 1))) localStorage.removeItem(old);
    localStorage.setItem(PREFIX + uploadId, url);
  } catch {
    // A preview is a convenience: without one the search still works, it just shows the file name.
  }
}

export function previewOf(uploadId: string | null | undefined): string | null {
  return uploadId ? (globalThis.localStorage?.getItem(PREFIX + uploadId) ?? null) : null;
}
