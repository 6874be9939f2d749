import { methods, type MethodName } from '@contract';
import type { Handlers } from './dispatcher';

/** A handler for every method that fails if called; tests override the ones they exercise. */
export function unusedHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const all = Object.fromEntries(
    (Object.keys(methods) as MethodName[]).map((name) => [
      name,
      () => {
        throw new Error(`${name} is not used in this test`);
      },
    ]),
  ) as unknown as Handlers;
  return { ...all, ...overrides };
}
