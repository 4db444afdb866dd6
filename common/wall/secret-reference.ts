// Secrets (broker passwords, camera credentials, keys) are never written in a layout: it names where to read them.
import { z } from 'zod';

const text = z.string().min(1, 'must not be empty');

/** A secret is never written in the layout: it is named, and read at start from the environment or a file beside the layout. */
export const SecretReferenceSchema = z
  .union([
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).meta({ description: 'Read from an environment variable' }),
    z
      .strictObject({
        file: text.meta({ description: 'A JSON object or KEY=value lines, relative to the layout file' }),
        key: text,
      })
      .meta({ description: 'Read from a secrets file (keep it out of git, mode 0600)' }),
  ])
  .meta({ description: 'Where a secret is: {env: NAME} or {file: path, key: KEY}' });

export type SecretReference = z.output<typeof SecretReferenceSchema>;
