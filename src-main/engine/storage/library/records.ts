/** What the library keeps from a photo's EXIF, XMP and IPTC. */
export interface PhotoMetadata {
  takenAt: number | null;
  camera: string | null;
  lens: string | null;
  gpsLat: number | null;
  gpsLon: number | null;
  iso: number | null;
  /** f-number, e.g. 2.8. */
  aperture: number | null;
  /** Exposure time in seconds, e.g. 0.004 (1/250). */
  shutter: number | null;
  /** Focal length in mm. */
  focalLength: number | null;
  title: string | null;
  caption: string | null;
  keywords: string[];
}

/** A photo with none of the metadata the library reads. */
export const NO_METADATA: Readonly<PhotoMetadata> = {
  takenAt: null,
  camera: null,
  lens: null,
  gpsLat: null,
  gpsLon: null,
  iso: null,
  aperture: null,
  shutter: null,
  focalLength: null,
  title: null,
  caption: null,
  keywords: [],
};

/** Everything indexing learns from one photo's bytes. */
export interface IndexedFacts extends PhotoMetadata {
  hash: string;
  format: string;
  width: number;
  height: number;
  orientation: number | null;
  /** Thumbnail file name inside the thumbnail folder. */
  thumb: string;
  /** The camera's embedded preview (upright px) that was decoded instead of the full image; null or absent: a full decode. */
  preview?: { width: number; height: number } | null;
}

/** A file found by a scan. */
export interface ScannedFileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  format: string | null;
  /** Why it cannot be indexed (unsupported files), else null. */
  unsupported: string | null;
}

/** A file waiting for indexing (new or changed). */
export interface PendingFile {
  id: number;
  rootId: number;
  path: string;
  folder: string;
  name: string;
  size: number;
  mtimeMs: number;
}

/** A failed or unsupported file, as the status lists it. */
export interface FileProblem {
  path: string;
  error: string | null;
  failureKind: 'permanent' | 'transient' | null;
}

/** Filters and paging as SQL fragments (built by ItemsRepository.filter). */
export interface ItemFilter {
  sql: string;
  params: unknown[];
}
