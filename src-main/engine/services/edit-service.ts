import { basename, join } from 'node:path';
import { SaveToLibraryRequestSchema, type CropRequest, type ExportRequest, type ProjectView, type RunTurn, type SaveToLibraryRequest, type SaveToLibraryResult } from '@contract';
import { projectName, type Editor } from '../edit/editor';
import { libraryTarget, saveIntoLibrary } from '../edit/save-to-library';
import { readRegularFile } from '../storage/regular-file';
import { encodePng } from '../shared/pixels';

export type ProjectReference = { itemId: number } | { uploadId: string } | { blank: { width: number; height: number } };

export interface EditServiceDeps {
  editor: Editor;
  /** A library item's file (a project can start from a library photo). */
  itemPath: (id: number) => string;
  uploadPath: (id: string) => string;
  /** The library's folders: a turn is saved only into one of them. */
  libraryFolders: () => string[];
  /** Indexes what changed on disk (a saved turn) soon. */
  refreshLibrary: () => void;
}

/** Edit projects and turns: create, run, navigate, export, save to the library, recipes and replay. */
export class EditService {
  constructor(private readonly deps: EditServiceDeps) {}

  private get store() {
    return this.deps.editor.store;
  }

  capabilities() {
    return this.deps.editor.capabilities();
  }

  listProjects() {
    return this.store.list();
  }

  /** Starts an edit project from a library photo, a dropped picture or a blank canvas. */
  async createProject(reference: ProjectReference, name?: string): Promise<ProjectView> {
    if ('blank' in reference) {
      const { width, height } = reference.blank;
      const white = await encodePng({ width, height, data: new Uint8Array(width * height * 3).fill(255) });
      return this.deps.editor.createProject(white, name ?? 'Canvas', 'canvas');
    }
    const path = 'itemId' in reference ? this.deps.itemPath(reference.itemId) : this.deps.uploadPath(reference.uploadId);
    // Read as a regular file only: a library photo swapped for a FIFO or a device cannot hang the call.
    const bytes = await readRegularFile(path, { timeoutMs: 60_000 });
    return this.deps.editor.createProject(bytes, name ?? ('itemId' in reference ? projectName(path) : 'Untitled'));
  }

  openProject(id: number) {
    return this.store.view(id);
  }

  renameProject(id: number, name: string) {
    return this.store.renameProject(id, name);
  }

  async deleteProject(id: number): Promise<{ removed: true }> {
    await this.store.deleteProject(id);
    return { removed: true };
  }

  runTurn(request: RunTurn) {
    return this.deps.editor.runTurn(request);
  }

  crop(request: CropRequest) {
    return this.deps.editor.crop(request);
  }

  setCursor(projectId: number, turnId: number) {
    return this.store.setCursor(projectId, turnId);
  }

  undo(projectId: number) {
    return this.store.undo(projectId);
  }

  redo(projectId: number) {
    return this.store.redo(projectId);
  }

  renameTurn(turnId: number, label: string) {
    return this.store.rename(turnId, label);
  }

  deleteBranch(turnId: number) {
    return this.store.deleteBranch(turnId);
  }

  exportTurn(request: ExportRequest) {
    return this.deps.editor.exportTurn(request);
  }

  /** Where an export's file lies (the URL names the file in the project's folder), for the CLI's `edit --out`. */
  exportedFile(projectId: number, url: string): string {
    return join(this.store.projectDir(projectId), basename(url));
  }

  /** A turn's stored row (pipeline, model, provider…), for the CLI's report. */
  turn(turnId: number) {
    return this.store.turnRow(turnId);
  }

  /** Saves a turn at full size into a library folder (never over a file) and indexes it. */
  async saveToLibrary(request: SaveToLibraryRequest): Promise<SaveToLibraryResult> {
    const { turnId, folder, format, quality } = SaveToLibraryRequestSchema.parse(request);
    const roots = this.deps.libraryFolders();
    libraryTarget(folder, roots); // refused before the render, which takes a while
    const { bytes, fileName, width, height } = await this.deps.editor.renderTurn({ turnId, format, quality, maxSide: null });
    const path = await saveIntoLibrary(folder, roots, fileName, bytes);
    this.deps.refreshLibrary();
    return { path, width, height, bytes: bytes.length };
  }

  recipe(turnId: number) {
    return this.deps.editor.recipe(turnId);
  }

  replay(recipe: unknown, onTurn?: (index: number, total: number) => void) {
    return this.deps.editor.replay(recipe, onTurn);
  }

  /** Upload hashes the projects still name (kept by the upload sweep). */
  referencedHashes(): string[] {
    return this.store.referencedHashes();
  }
}
