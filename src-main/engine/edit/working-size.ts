// The working size is shared with the renderer (a crop's canvas has the size the engine edits it at).
export { MAX_SIDE, workingSize } from '@contract';
