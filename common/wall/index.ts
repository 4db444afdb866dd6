// The wall model: layout format, validation, geometry and plan, shared by main and the renderers.
export * from './schema.ts';
export * from './problems.ts';
export * from './parse.ts';
export * from './geometry.ts';
export * from './duration.ts';
export * from './describe.ts';
export type { Position } from './locate.ts';
export * from './json-schema.ts';
export * from './demo.ts';
