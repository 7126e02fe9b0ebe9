import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

// Both are CommonJS with `exports.default`: under Node's ESM interop the default import is the module.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;

/**
 * The official OCDS 1.1.5 release-package schema (tests/fixtures/ocds, draft-04), with the release
 * schema it `$ref`s by URL registered under that URL. `strict: false`: the schemas carry OCDS's own
 * keywords (codelist, openCodelist, deprecated…), which are documentation, not validation.
 */
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/ocds/${name}`, import.meta.url), 'utf8')) as object;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(fixture('release-schema.json'));
const validatePackage = ajv.compile(fixture('release-package-schema.json'));

/** The schema's complaints about a release package: none when it is valid. */
export function ocdsPackageErrors(pkg: unknown): string[] {
  if (validatePackage(pkg)) return [];
  return (validatePackage.errors ?? []).map(
    (e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message ?? ''}`,
  );
}
