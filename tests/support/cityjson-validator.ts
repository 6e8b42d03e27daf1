/**
 * CityJSON 2.0.2 schema validation for tests, shared by every test that writes CityJSON.
 *
 * Registers the multi-file Draft-07 schemas from `../shared/data/cityjson-schemas-2.0.2` with
 * `addSchema` (about 1 s to compile; the `*.min.schema.json` bundles take about 13 s). The
 * validators are built lazily once per test process.
 */
import { readFileSync, readdirSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv"
import formatsModule, { type FormatsPlugin } from "ajv-formats"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const sharedDataDir = path.resolve(repoRoot, "../shared/data")
const schemaDir = path.join(sharedDataDir, "cityjson-schemas-2.0.2")
const schemaBase = "https://www.cityjson.org/schemas/2.0.2/"

export interface ValidationResult {
  readonly valid: boolean
  /** `instancePath: message` per error; empty when valid. */
  readonly errors: ReadonlyArray<string>
}

interface Validators {
  readonly city: ValidateFunction
  readonly feature: ValidateFunction
}

let cached: Validators | undefined

const loadValidators = (): Validators => {
  if (cached !== undefined) return cached
  // ajv-formats is CommonJS: under NodeNext its default export may arrive as `.default`.
  const wrapped = formatsModule as unknown as { default?: FormatsPlugin }
  const addFormats = wrapped.default ?? (formatsModule as unknown as FormatsPlugin)
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats(ajv)
  const files = readdirSync(schemaDir).filter(
    (f) => f.endsWith(".schema.json") && !f.includes(".min.")
  )
  for (const f of files) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(schemaDir, f), "utf8")) as object)
  }
  const get = (name: string): ValidateFunction => {
    const v = ajv.getSchema(schemaBase + name)
    if (v === undefined) throw new Error(`schema ${name} not registered from ${schemaDir}`)
    return v
  }
  cached = { city: get("cityjson.schema.json"), feature: get("cityjsonfeature.schema.json") }
  return cached
}

const toResult = (ok: boolean, errs: ErrorObject[] | null | undefined): ValidationResult => ({
  valid: ok,
  errors: (errs ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword}`)
})

/** Validates a whole CityJSON object, or the first (header) line of a CityJSONSeq. */
export const validateCityJson = (doc: unknown): ValidationResult => {
  const v = loadValidators().city
  return toResult(v(doc) as boolean, v.errors)
}

/** Validates one `CityJSONFeature` (a CityJSONSeq line after the first). */
export const validateCityJsonFeature = (doc: unknown): ValidationResult => {
  const v = loadValidators().feature
  return toResult(v(doc) as boolean, v.errors)
}

/** Validates a CityJSONSeq given as parsed lines: line 0 as CityJSON, the rest as features. */
export const validateCityJsonSeq = (lines: ReadonlyArray<unknown>): ValidationResult => {
  const errors: string[] = []
  lines.forEach((line, i) => {
    const r = i === 0 ? validateCityJson(line) : validateCityJsonFeature(line)
    for (const e of r.errors) errors.push(`line ${i}: ${e}`)
  })
  return { valid: errors.length === 0, errors }
}
