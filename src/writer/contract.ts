/**
 * The request contract, read from swagger.yml (the single source of truth) and
 * compiled once with ajv. Nothing of the schema is copied here: only the
 * mapping from ajv's error keywords to the texts a client sees.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { readAsset } from '../assets.js';

export const MESSAGE_PATH = '/api/message';

/** A rejected body: the 400 text and its machine code. */
export interface ContractViolation {
  readonly code: 'invalid_request' | 'body_missing' | 'body_not_string' | 'invalid_body';
  readonly message: string;
}

export interface RequestValidator {
  /** Undefined when `value` is a valid request (swagger.yml's MessageRequest schema). */
  (value: unknown): ContractViolation | undefined;
}

interface OpenApiDoc {
  paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
  components?: unknown;
}

/** Compile the request schema of `POST /api/message` from the OpenAPI document text. */
export function compileRequestValidator(swaggerText: string = readAsset('swagger.yml')): RequestValidator {
  const doc = parse(swaggerText) as OpenApiDoc;
  const schema = doc.paths?.[MESSAGE_PATH]?.post?.requestBody?.content?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`swagger.yml has no application/json request schema for POST ${MESSAGE_PATH}`);
  // strict: false because OpenAPI schemas carry keywords ajv does not know (example, nullable).
  const ajv = new Ajv({ strict: false, allErrors: false });
  // Local refs ("#/components/schemas/X") resolve against the document's components.
  ajv.addSchema({ components: doc.components ?? {} }, 'swagger.yml');
  const validate: ValidateFunction = ajv.compile(qualifyRefs(schema) as object);
  return (value) => (validate(value) ? undefined : describe(validate.errors?.[0]));
}

/** Point "#/..." refs at the document added as "swagger.yml". */
function qualifyRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(qualifyRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `swagger.yml${v}` : qualifyRefs(v);
  return out;
}

const MISSING: ContractViolation = { code: 'body_missing', message: 'body parameter is missing or empty' };
const NOT_STRING: ContractViolation = { code: 'body_not_string', message: 'body parameter must be a string' };
const NOT_OBJECT: ContractViolation = { code: 'invalid_request', message: 'request must be a JSON object with a string property "body"' };

function describe(error: ErrorObject | undefined): ContractViolation {
  if (error === undefined) return NOT_OBJECT;
  const atBody = error.instancePath === '/body';
  if (error.keyword === 'required' && (error.params as { missingProperty?: string }).missingProperty === 'body') return MISSING;
  if (atBody && error.keyword === 'minLength') return MISSING;
  if (atBody && error.keyword === 'type') return NOT_STRING;
  if (error.instancePath === '' && error.keyword === 'type') return NOT_OBJECT;
  return { code: 'invalid_body', message: `request does not match the schema: ${error.instancePath || 'request'} ${error.message ?? 'is invalid'}` };
}
