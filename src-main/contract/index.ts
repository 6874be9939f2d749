export * from './errors';
export * from './frames';
export * from './jobs';
export * from './app-info';
export * from './methods';
export * from './events';
export * from './bridge';
export * from './format';
