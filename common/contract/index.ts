// The one contract between main and the renderers: messages, transports and the WallBridge.
export * from './events.ts';
export * from './messages.ts';
export * from './transport.ts';
export * from './bridge.ts';
export * from './assignment.ts';
export * from './backoff.ts';
export * from './control.ts';
export * from './manual-scheduler.ts';
export * from './media.ts';
export * from './roles.ts';
