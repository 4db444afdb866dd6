// The JSON Schema of the layout format, generated from the zod schema so editors complete and check layouts as they are typed.
import { z } from 'zod';
import { LAYOUT_FORMAT, LayoutSchema } from './schema.ts';

export const JSON_SCHEMA_FILE = 'layout.schema.json';

export function layoutJsonSchema(): Record<string, unknown> {
  // draft-07 is what yaml-language-server (VS Code's YAML extension) understands best.
  const schema = z.toJSONSchema(LayoutSchema, { io: 'input', target: 'draft-07' });
  return { ...schema, $id: `https://ioc-wall.invalid/schema/${LAYOUT_FORMAT}`, title: `ioc-wall layout (${LAYOUT_FORMAT})` };
}

/** The committed file's text: stable key order, two-space indent, final newline. */
export function layoutJsonSchemaText(): string {
  return `${JSON.stringify(layoutJsonSchema(), null, 2)}\n`;
}
