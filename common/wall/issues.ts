// Turns zod's validation issues into layout problems an integrator can act on: plain words, a position, a hint.
import type { z } from 'zod';
import type { PathSegment, Severity } from './problems.ts';
import { closestName } from './suggest.ts';

export interface RawProblem {
  /** Errors unless said otherwise. */
  readonly severity?: Severity;
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly suggestion?: string;
  /** Point at the key rather than its value (unknown keys). */
  readonly atKey?: boolean;
}

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'a map of keys',
  array: 'a list',
};

/** Keys whose values are secrets (passwords, private keys): never repeated in a message. */
const SECRET_KEYS = /^(password|secret|token|key)$/i;

export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
    case 'number':
      return Number.isInteger(value) ? `the whole number ${value}` : `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'a map of keys';
    default:
      return String(value);
  }
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

/** Strips optional/default/nullable/pipe wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const definition = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (definition.innerType) current = definition.innerType;
    else if (definition.type === 'pipe' && definition.in) current = definition.in;
    else return current;
  }
}

function objectKeys(schema: AnySchema): string[] | undefined {
  const definition = unwrap(schema)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return definition.type === 'object' && definition.shape ? Object.keys(definition.shape) : undefined;
}

/** The union option that fits a raw value best: by discriminator, else by the most shared keys. */
function chooseOption(schema: AnySchema, value: unknown): AnySchema | undefined {
  const definition = unwrap(schema)._zod.def as { options?: AnySchema[]; discriminator?: string };
  const options = definition.options ?? [];
  if (value === null || typeof value !== 'object') return options[0];
  const record = value as Record<string, unknown>;
  if (definition.discriminator) {
    return options.find((option) => {
      const shape = (unwrap(option)._zod.def as { shape?: Record<string, AnySchema> }).shape;
      const literal = shape?.[definition.discriminator!]?._zod.def as { values?: unknown[] } | undefined;
      return literal?.values?.includes(record[definition.discriminator!]);
    });
  }
  let best: AnySchema | undefined;
  let bestScore = -1;
  for (const option of options) {
    const keys = objectKeys(option) ?? [];
    const score = keys.filter((key) => key in record).length;
    if (score > bestScore) [best, bestScore] = [option, score];
  }
  return best;
}

/** The schema that validates the value at `path`, following the raw data through unions. */
export function schemaAt(
  root: AnySchema,
  data: unknown,
  path: readonly PathSegment[],
  options: { keepUnion?: boolean } = {},
): AnySchema | undefined {
  let schema: AnySchema | undefined = root;
  let value = data;
  for (const segment of [...path, undefined]) {
    if (!schema) return undefined;
    let definition = unwrap(schema)._zod.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
    };
    if (segment === undefined && options.keepUnion) return schema;
    if (definition.type === 'union') {
      schema = chooseOption(schema, value);
      if (!schema) return undefined;
      definition = unwrap(schema)._zod.def as typeof definition;
    }
    if (segment === undefined) return schema;
    if (definition.type === 'object') schema = definition.shape?.[segment];
    else if (definition.type === 'array') schema = definition.element;
    else return undefined;
    value = valueAt(value, [segment]);
  }
  return schema;
}

/** Plain-language problems for one zod issue over the raw layout data. */
export function problemsFromIssue(issue: Issue, schema: AnySchema, data: unknown, prefix: readonly PathSegment[] = []): RawProblem[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = objectKeys(schemaAt(schema, data, path) ?? schema) ?? [];
      // A key already written is not what a typo meant: `colums` beside `column` means `columns`.
      const present = value !== null && typeof value === 'object' ? Object.keys(value) : [];
      const missing = known.filter((key) => !present.includes(key));
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown key '${key}'${known.length > 0 ? `; expected one of: ${known.join(', ')}` : ''}`,
        suggestion: closestName(key, missing),
        atKey: true,
      }));
    }
    case 'invalid_type': {
      if (value === undefined) {
        const key = path[path.length - 1];
        return [{ path: path.slice(0, -1), message: `missing required key '${String(key)}'` }];
      }
      // A secret typed into the layout must not be echoed into terminals, CI logs and editors' problem lists.
      if (typeof value === 'string' && SECRET_KEYS.test(String(path[path.length - 1]))) {
        return [{ path, message: 'a secret must not be written in the layout: give {env: NAME} or {file: secrets.env, key: NAME} (the value written is not repeated here)' }];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return [{ path, message: `expected ${expected}, got ${describeValue(value)}` }];
    }
    case 'invalid_value': {
      const values = issue.values.map((option) => String(option));
      const got = describeValue(value);
      if (values.length === 1) return [{ path, message: `expected ${values[0]}, got ${got}` }];
      return [
        {
          path,
          message: `expected one of ${values.join(', ')}; got ${got}`,
          suggestion: typeof value === 'string' ? closestName(value, values) : undefined,
        },
      ];
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        const options = ('options' in issue ? (issue.options ?? []) : []).map((option) => String(option));
        const key = issue.discriminator ?? String(path[path.length - 1]);
        const got = valueAt(data, path);
        if (got === undefined) return [{ path, message: `missing required key '${key}' (one of: ${options.join(', ')})` }];
        return [
          {
            path,
            message: `unknown ${key} ${typeof got === 'string' ? `'${got}'` : describeValue(got)}; expected one of: ${options.join(', ')}`,
            suggestion: typeof got === 'string' ? closestName(got, options) : undefined,
          },
        ];
      }
      // Report the option that fits the value best, e.g. the grid form of a rect when it has row/column.
      const union = schemaAt(schema, data, path, { keepUnion: true });
      const options = union ? ((unwrap(union)._zod.def as { options?: AnySchema[] }).options ?? []) : [];
      const chosen = union ? chooseOption(union, value) : undefined;
      const branchIssues =
        issue.errors[chosen ? options.indexOf(chosen) : -1] ??
        issue.errors.reduce((fewest, errors) => (errors.length < fewest.length ? errors : fewest));
      return branchIssues.flatMap((inner) => problemsFromIssue(inner, schema, data, path));
    }
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return [{ path, message: issue.message }];
  }
}
