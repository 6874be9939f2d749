import type { EventName, EventPayload } from '@contract';

export type EngineEvent = { [E in EventName]: { topic: E; payload: EventPayload<E> } }[EventName];
export type EventListener = (event: EngineEvent) => void;

/** Pushes engine events (job progress, step previews, concept progress) to whoever listens: the hosts, the CLI. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  clear(): void {
    this.listeners.clear();
  }
}
