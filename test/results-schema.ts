/** Validates results documents and records against docs/results.schema.json (Ajv, draft 2020-12). */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const schema = JSON.parse(readFileSync(new URL('../docs/results.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true });
const validateDocument = ajv.compile(schema);
const validateImage = ajv.compile({ $ref: `${schema.$id}#/$defs/image` });

function errorsOf(v: typeof validateDocument): string[] {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** The schema's complaints about a whole document ([] when it is valid). */
export function resultsErrors(doc: unknown): string[] {
  return validateDocument(doc) ? [] : errorsOf(validateDocument);
}

/** The schema's complaints about one image record, e.g. a --jsonl line ([] when it is valid). */
export function imageRecordErrors(record: unknown): string[] {
  return validateImage(record) ? [] : errorsOf(validateImage);
}
