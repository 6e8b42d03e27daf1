/**
 * `metadata.json` of a release: an ISO 19115-like record with the citation (title, edition =
 * version, identifier = the dotless URL form), the reference system, and the lineage (sources
 * with sha256, dates and licences; process steps with code versions and parameters; software
 * versions). Pure: the caller gives every value, nothing comes from the clock or the machine.
 *
 * Determinism: sources are sorted by name, process steps by asset key, software by name; the
 * text is written by `canonicalStringify` with METADATA_KEY_ORDER, 2-space indent, "\n" at end.
 */
import { EPSG_7415_URL } from "./cityjson-feature.ts"
import { canonicalStringify } from "./cityjson-tile.ts"

export interface MetadataSource {
  /** e.g. "BAG 2.0 extract", "AHN4". */
  readonly name: string
  /** Local path or URL of the file the release used; at least one of the two. */
  readonly path?: string
  readonly url?: string
  readonly sha256: string
  /** ISO 8601 date, year, or interval ("2020/2022") of the data. */
  readonly date: string
  readonly licence: string
  readonly description?: string
}

export interface MetadataProcessStep {
  /** Asset key joined by "/", e.g. "reconstruction/building_models". */
  readonly asset: string
  readonly codeVersion: string
  readonly parameters: Readonly<Record<string, unknown>>
  readonly description?: string
}

export interface ReleaseMetadataInput {
  /** Version "YYYY.MM.DD" (e.g. "2024.12.16") or "YYYY.MM" (e.g. "2024.02"). */
  readonly version: string
  /** Publication date YYYY-MM-DD; required for a "YYYY.MM" version, else taken from it. */
  readonly date?: string
  readonly title?: string
  readonly abstract?: string
  /** Licence of the release itself; default "CC BY 4.0". */
  readonly licence?: string
  readonly pointOfContact?: Readonly<Record<string, string>>
  /** Default EPSG:7415 (RD New + NAP height). */
  readonly referenceSystem?: string
  readonly sources: ReadonlyArray<MetadataSource>
  readonly processSteps: ReadonlyArray<MetadataProcessStep>
  /** Package or tool name -> version. */
  readonly software: Readonly<Record<string, string>>
}

export type ReleaseMetadataResult =
  | { readonly ok: true; readonly metadata: Record<string, unknown>; readonly text: string }
  | { readonly ok: false; readonly reason: string }

export const METADATA_KEY_ORDER: ReadonlyArray<string> = [
  "metadataStandardName", "citation", "title", "edition", "identifier", "date", "dateType",
  "abstract", "licence", "pointOfContact", "referenceSystem", "code", "url", "lineage",
  "sources", "processSteps", "software", "name", "asset", "version", "codeVersion",
  "description", "path", "sha256", "parameters"
]

const VERSION_RE = /^(\d{4})\.(\d{2})\.(\d{2})$/
const MONTH_VERSION_RE = /^(\d{4})\.(\d{2})$/
const DATE_PART = String.raw`\d{4}(-\d{2}(-\d{2})?)?`
const DATE_RE = new RegExp(`^${DATE_PART}(/${DATE_PART})?$`)
const SHA256_RE = /^[0-9a-f]{64}$/

const byKey = <T>(key: (t: T) => string) => (a: T, b: T): number =>
  key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0

/** "2024.12.16" -> { date: "2024-12-16", identifier: "v20241216" }, null if not a real date. */
export function versionParts(version: string): { date: string; identifier: string } | null {
  const m = VERSION_RE.exec(version)
  if (m === null) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null
  return { date: `${m[1]}-${m[2]}-${m[3]}`, identifier: `v${m[1]}${m[2]}${m[3]}` }
}

/** Citation date and identifier: from a dated version, or a monthly one with `date` given. */
function citationOf(input: ReleaseMetadataInput): { date: string; identifier: string } | null {
  const dated = versionParts(input.version)
  if (dated !== null) return { ...dated, date: input.date ?? dated.date }
  const m = MONTH_VERSION_RE.exec(input.version)
  if (m === null || input.date === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(input.date)) return null
  return { date: input.date, identifier: `v${m[1]}${m[2]}` }
}

function inputProblem(input: ReleaseMetadataInput): string | null {
  if (citationOf(input) === null) {
    return `version '${input.version}' is not a date YYYY.MM.DD, nor YYYY.MM with a date YYYY-MM-DD`
  }
  const names = new Set<string>()
  for (const s of input.sources) {
    if (names.has(s.name)) return `source '${s.name}' repeats`
    names.add(s.name)
    if (s.path === undefined && s.url === undefined) return `source '${s.name}' has no path or url`
    if (!SHA256_RE.test(s.sha256)) return `source '${s.name}': sha256 is not 64 lowercase hex`
    if (!DATE_RE.test(s.date)) return `source '${s.name}': date '${s.date}' is not ISO 8601`
  }
  const assets = new Set<string>()
  for (const p of input.processSteps) {
    if (assets.has(p.asset)) return `process step '${p.asset}' repeats`
    assets.add(p.asset)
  }
  return null
}

/** The metadata object and its text; a reason instead when the input is inconsistent. */
export function releaseMetadata(input: ReleaseMetadataInput): ReleaseMetadataResult {
  const problem = inputProblem(input)
  if (problem !== null) return { ok: false, reason: problem }
  const v = citationOf(input)!
  const referenceSystem = input.referenceSystem ?? EPSG_7415_URL
  const code = /\/EPSG\/0\/(\d+)$/.exec(referenceSystem)
  const metadata: Record<string, unknown> = {
    metadataStandardName: "ISO 19115 (subset)",
    citation: {
      title: input.title ?? "3DBAG",
      edition: input.version,
      identifier: v.identifier,
      date: { date: v.date, dateType: "publication" }
    },
    abstract: input.abstract,
    licence: input.licence ?? "CC BY 4.0",
    pointOfContact: input.pointOfContact,
    referenceSystem: { code: code === null ? undefined : `EPSG:${code[1]}`, url: referenceSystem },
    lineage: {
      sources: [...input.sources].sort(byKey((s) => s.name)),
      processSteps: [...input.processSteps].sort(byKey((p) => p.asset)),
      software: Object.keys(input.software).sort().map((name) => ({
        name, version: input.software[name]
      }))
    }
  }
  const text = canonicalStringify(metadata, METADATA_KEY_ORDER, 2) + "\n"
  return { ok: true, metadata, text }
}
