/**
 * Inputs of the release-writer tests: the real 3DBAG CityJSONSeq `delft_subset.city.jsonl`
 * (header + 10 features, v2024.04.20; see ../shared/data/3dbag-reference-features/SOURCE.md)
 * and one skipped building (LoD0 only, `b3_extrusie: "skip"`) built with `buildingFeature`.
 */
import { readFileSync } from "node:fs"
import path from "node:path"
import { buildingFeature } from "../../kernels/cityjson-feature.ts"
import { parseCityJsonSeq, type SeqFeature, type SeqHeader } from "../../kernels/cityjson-tile.ts"
import { sharedDataDir } from "./cityjson-validator.ts"

export const delftPath = path.join(
  sharedDataDir, "3dbag-reference-features", "delft_subset.city.jsonl"
)

export const loadDelft = (): { header: SeqHeader; features: SeqFeature[] } => {
  const r = parseCityJsonSeq(readFileSync(delftPath, "utf8"))
  if (!r.ok) throw new Error(r.reason)
  return { header: r.header, features: r.features }
}

export const SKIPPED_ID = "NL.IMBAG.Pand.0503100000099999"

/** A 10 m × 6 m footprint at RD (85000, 446500), ground 0.5 m, no solid. */
export const skippedFeature = (header: SeqHeader): SeqFeature => {
  const t = header.transform
  const transform = {
    scale: [t.scale[0], t.scale[1], t.scale[2]] as const,
    translate: [t.translate[0], t.translate[1], t.translate[2]] as const
  }
  const ring = new Float64Array([85000, 446500, 85010, 446500, 85010, 446506, 85000, 446506])
  return buildingFeature({
    id: SKIPPED_ID,
    attributes: {
      identificatie: SKIPPED_ID, b3_extrusie: "skip", b3_h_maaiveld: 0.5,
      status: "Pand in gebruik", oorspronkelijkbouwjaar: 2001, b3_kas_warenhuis: false
    },
    parts: [{ lod0: [ring], lod12: null }]
  }, transform)
}
