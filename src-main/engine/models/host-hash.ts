import { AppError } from '@contract';

/** A hash the host publishes for a file: LFS files carry their sha256, small git files their git blob id (sha1). */
export interface HostHash {
  algorithm: 'sha256' | 'git-sha1';
  value: string;
}

export interface HostFacts {
  hash: HostHash | null;
  /** The commit the host resolved the revision to (Hugging Face's X-Repo-Commit), when it says. */
  commit: string | null;
  /** The file's size as the host states it (X-Linked-Size for LFS files). */
  bytes: number | null;
}

function tagValue(raw: string | null): string {
  return (raw ?? '').replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
}

/**
 * What a response's headers say about the file. A CDN's own ETag (after a redirect) is no content hash the hub vouches
 * for, so `trustEtag` is false for redirected answers and only X-Linked-Etag counts there.
 */
export function hostFacts(headers: Headers, trustEtag = true): HostFacts {
  const linked = tagValue(headers.get('x-linked-etag'));
  const etag = trustEtag ? tagValue(headers.get('etag')) : '';
  let hash: HostHash | null = null;
  if (/^[0-9a-f]{64}$/.test(linked)) hash = { algorithm: 'sha256', value: linked };
  else if (/^[0-9a-f]{64}$/.test(etag)) hash = { algorithm: 'sha256', value: etag };
  else if (/^[0-9a-f]{40}$/.test(etag)) hash = { algorithm: 'git-sha1', value: etag };
  const commit = tagValue(headers.get('x-repo-commit'));
  const size = Number(headers.get('x-linked-size') ?? Number.NaN);
  return { hash, commit: /^[0-9a-f]{40}$/.test(commit) ? commit : null, bytes: Number.isFinite(size) && size > 0 ? size : null };
}

/**
 * Asks the host about a file without downloading it: a HEAD request that does not follow redirects, as the hub's own
 * client does, because the hash headers sit on the hub's answer, not on the CDN's. Null when the host does not answer.
 */
export async function probeHost(url: string, doFetch: typeof fetch, signal?: AbortSignal): Promise<HostFacts | null> {
  try {
    const response = await doFetch(url, { method: 'HEAD', redirect: 'manual', signal: signal ?? null });
    await response.body?.cancel();
    if (response.status >= 400) return null;
    return hostFacts(response.headers);
  } catch {
    if (signal?.aborted) throw signal.reason;
    return null;
  }
}

/** Refuses a host that serves another commit than the pinned one. */
export function checkCommit(url: string, pinned: string | undefined, facts: HostFacts | null): void {
  if (!pinned || !facts?.commit || facts.commit === pinned) return;
  throw new AppError('DOWNLOAD_FAILED', `${url} was served from commit ${facts.commit}, not the pinned ${pinned}. The mirror may hold another version.`, {
    url,
    pinned,
    served: facts.commit,
  });
}

/** Plain http is refused for mirrors other than this machine unless the user asked for it. */
export function checkMirrorUrl(mirror: string, allowInsecure: boolean): void {
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    throw new AppError('INVALID_PARAMS', `The model mirror “${mirror}” is not a URL.`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') throw new AppError('INVALID_PARAMS', `The model mirror must be an https URL, not ${url.protocol}.`);
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname) || url.hostname.startsWith('127.');
  if (loopback || allowInsecure) return;
  throw new AppError(
    'INVALID_PARAMS',
    `The model mirror ${url.origin} uses plain http, where anyone on the way can swap the files. Use https, or pass --allow-insecure-mirror (STUDIO_ALLOW_INSECURE_MIRROR=1) if you trust the network.`,
    { mirror },
  );
}
