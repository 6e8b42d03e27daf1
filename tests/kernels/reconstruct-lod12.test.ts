import { describe, expect, it } from "vitest"
import { reconstructLod12 } from "../../kernels/reconstruct-lod12.ts"
import type { BuildingInput, BuildingResult, EpochPoints } from "../../kernels/reconstruct-lod12.ts"
import { checkClosed, solidVolume } from "../../kernels/extrude.ts"
import type { Polygon } from "../../kernels/geometry-types.ts"
import type { PointIndex } from "../../kernels/point-index.ts"
import {
  buildPointIndex, polygonBBox, pointInPolygon, squaredDistanceToBoundary
} from "../../kernels/point-index.ts"
import { PointBuilder, X0, Y0, lcg, rect, rectHole, ring } from "../support/synthetic-scene.ts"

const NOISE = 0.05
const box: Polygon = [rect(0, 0, 10, 10)]
const L: Polygon = [ring(0, 0, 10, 0, 10, 5, 5, 5, 5, 10, 0, 10)]
const courtyard: Polygon = [rect(0, 0, 10, 10), rectHole(3, 3, 7, 7)]

interface SceneOptions {
  readonly roofZ?: number
  readonly roofSpacing?: number
  readonly roofClass?: number
  /** Ground points lie between these distances (m) from the footprint, at z = groundZ. */
  readonly ground?: ReadonlyArray<readonly [number, number, number]>
  readonly seed?: number
}

/**
 * Roof: grid at `roofSpacing` inside the footprint, z = roofZ + uniform noise in ±NOISE.
 * Ground: 0.5 m grid around the footprint, by distance bands [dMin, dMax, z].
 */
function scene(polygon: Polygon, o: SceneOptions = {}) {
  const rnd = lcg(o.seed ?? 42)
  const bb = polygonBBox(polygon)
  const local = [bb[0] - X0, bb[1] - Y0, bb[2] - X0, bb[3] - Y0] as const
  const b = new PointBuilder()
  if (o.roofZ !== undefined) {
    const z = o.roofZ
    b.grid(local, o.roofSpacing ?? 0.25, o.roofClass ?? 6, () => z + (2 * rnd() - 1) * NOISE,
      (x, y) => pointInPolygon(polygon, x, y))
  }
  for (const [d0, d1, z] of o.ground ?? [[0, 4, 0]]) {
    const grown = [local[0] - d1, local[1] - d1, local[2] + d1, local[3] + d1] as const
    b.grid(grown, 0.5, 2, () => z, (x, y) => {
      const d2 = pointInPolygon(polygon, x, y) ? 0 : squaredDistanceToBoundary(polygon, x, y)
      const d = Math.sqrt(d2)
      return d >= d0 && d <= d1
    })
  }
  return b.build()
}

function epoch(
  name: string, year: number, rank: number, pts = scene(box, { roofZ: 6 })
): EpochPoints {
  return { epoch: name, year, rank, buildingClass: 6, points: pts, index: buildPointIndex(pts) }
}

const input = (polygon: Polygon, extra: Partial<BuildingInput> = {}): BuildingInput => ({
  id: "NL.IMBAG.Pand.0503100000000001", polygon, constructionYear: null, tileGroundHeight: null,
  ...extra
})

/** Every produced solid must be closed with a positive volume. */
function expectValidSolid(r: BuildingResult): void {
  expect(r.lod12).not.toBeNull()
  if (r.lod12 === null) return
  expect(checkClosed(r.lod12).closed).toBe(true)
  expect(solidVolume(r.lod12)).toBeGreaterThan(0)
}

const top = (r: BuildingResult) => r.lod12?.vertices[r.lod12.vertices.length - 1] ?? NaN

describe("reconstructLod12: 10 × 10 m box, ground 0, roof 6 ± 0.05 m", () => {
  const r = reconstructLod12(input(box), [epoch("AHN3", 2019, 2)])
  const a = r.attributes

  it("is a standard extrusion with no reason", () => {
    expect(r.extrusie).toBe("standard")
    expect(r.reason).toBeNull()
    expect(a["b3_extrusie"]).toBe("standard")
    expectValidSolid(r)
  })

  it("finds ground 0 from points and roof percentiles of uniform noise", () => {
    expect(a["b3_h_maaiveld"]).toBe(0)
    expect(a["b3_maaiveld_bron"]).toBe("points")
    // uniform on [6 − a, 6 + a]: p70 = 6 + 0.4a = 6.02, median 6, extremes 6 ∓ a
    expect(Math.abs((a["b3_h_dak_70p"] as number) - 6.02)).toBeLessThanOrEqual(0.01)
    expect(Math.abs((a["b3_h_dak_50p"] as number) - 6)).toBeLessThanOrEqual(0.01)
    expect(Math.abs((a["b3_h_dak_min"] as number) - 5.95)).toBeLessThanOrEqual(0.01)
    expect(Math.abs((a["b3_h_dak_max"] as number) - 6.05)).toBeLessThanOrEqual(0.01)
  })

  it("volume = 100 m² × roof height ≈ 602 m³; rmse ≈ a·√(1/3 + 0.16) = 0.035 m", () => {
    expect(solidVolume(r.lod12!)).toBeCloseTo(100 * top(r), 6)
    expect(Math.abs((a["b3_volume_lod12"] as number) - 602)).toBeLessThanOrEqual(1)
    expect(Math.abs((a["b3_rmse_lod12"] as number) - 0.0351)).toBeLessThanOrEqual(0.002)
    expect(a["b3_opp_grond"]).toBe(100)
  })

  it("reports full coverage of the 0.25 m grid", () => {
    expect(a["b3_nodata_fractie_ahn3"]).toBe(0)
    // 16 roof points per m² plus the 0.5 m ground grid inside the footprint (4 per m²): every
    // point in a covered cell counts, as in roofer
    expect(a["b3_puntdichtheid_ahn3"]).toBe(20)
    expect(a["b3_nodata_radius_ahn3"] as number).toBeLessThanOrEqual(0.3)
    expect(a["b3_pw_bron"]).toBe("AHN3")
    expect(a["b3_pw_datum"]).toBe(2019)
    expect(a["b3_pw_selectie_reden"]).toBe("PREFERRED_AND_LATEST")
  })
})

describe("reconstructLod12: shapes", () => {
  it("L-shape: volume = 75 m² × height", () => {
    const pts = scene(L, { roofZ: 4 })
    const r = reconstructLod12(input(L), [epoch("AHN4", 2020, 1, pts)])
    expectValidSolid(r)
    expect(solidVolume(r.lod12!)).toBeCloseTo(75 * top(r), 6)
    expect(r.attributes["b3_opp_grond"]).toBe(75)
  })

  it("courtyard: volume excludes the hole, walls on both rings", () => {
    const pts = scene(courtyard, { roofZ: 10 })
    const r = reconstructLod12(input(courtyard), [epoch("AHN4", 2020, 1, pts)])
    expectValidSolid(r)
    expect(solidVolume(r.lod12!)).toBeCloseTo(84 * top(r), 6)
    expect(r.lod12!.faces.filter((f) => f.semantic === "WallSurface").length).toBe(8)
    expect(r.attributes["b3_nodata_fractie_ahn4"]).toBe(0)
  })

  it("a self-intersecting footprint is skipped with the defect", () => {
    const bowtie: Polygon = [ring(0, 0, 10, 10, 10, 0, 0, 10)]
    const r = reconstructLod12(input(bowtie), [epoch("AHN3", 2019, 2)])
    expect(r.extrusie).toBe("skip")
    expect(r.reason).toBe("invalid footprint: ring 0 self-intersects (edges 0 and 2)")
    expect(r.lod12).toBeNull()
  })

  it("a clockwise outer ring is reoriented, not rejected", () => {
    const cw: Polygon = [ring(0, 0, 0, 10, 10, 10, 10, 0)]
    const r = reconstructLod12(input(cw), [epoch("AHN3", 2019, 2)])
    expect(r.extrusie).toBe("standard")
    expectValidSolid(r)
  })
})

describe("reconstructLod12: ground fallbacks", () => {
  it("no ground within 4 m: nearest band of ground points, reason recorded", () => {
    // band 8–10 m at z 1; band 15–20 m at z −3 lies beyond d_min + 4 m and is not used
    const pts = scene(box, { roofZ: 6, ground: [[8, 10, 1], [15, 20, -3]] })
    const r = reconstructLod12(input(box), [epoch("AHN3", 2019, 2, pts)])
    expect(r.extrusie).toBe("standard")
    expect(r.attributes["b3_h_maaiveld"]).toBe(1)
    expect(r.attributes["b3_maaiveld_bron"]).toBe("nearest ground")
    expect(r.reason).toMatch(/^no ground points within 4 m in AHN3: ground from the nearest/)
    expectValidSolid(r)
  })

  it("no ground within 20 m: tile ground height", () => {
    const pts = scene(box, { roofZ: 6, ground: [] })
    const building = input(box, { tileGroundHeight: -0.5 })
    const r = reconstructLod12(building, [epoch("AHN3", 2019, 2, pts)])
    expect(r.attributes["b3_h_maaiveld"]).toBe(-0.5)
    expect(r.attributes["b3_maaiveld_bron"]).toBe("tile ground")
    expect(solidVolume(r.lod12!)).toBeCloseTo(100 * (top(r) + 0.5), 6)
  })

  it("no ground at all: skip with reason", () => {
    const pts = scene(box, { roofZ: 6, ground: [] })
    const r = reconstructLod12(input(box), [epoch("AHN3", 2019, 2, pts)])
    expect(r.extrusie).toBe("skip")
    expect(r.reason).toMatch(/no ground points .* and no tile ground height/)
  })

  it("roof below ground is clamped to ground + 0.1 m", () => {
    const pts = scene(box, { roofZ: -1 })
    const r = reconstructLod12(input(box), [epoch("AHN3", 2019, 2, pts)])
    expect(top(r)).toBeCloseTo(0.1, 9)
    expect(r.reason).toMatch(/clamped to ground \+ 0.1 m/)
    expect(r.attributes["b3_volume_lod12"]).toBe(10)
    expectValidSolid(r)
  })
})

describe("reconstructLod12: epochs", () => {
  it("no building points in any epoch: skip", () => {
    const groundOnly = scene(box)
    const r = reconstructLod12(input(box), [
      epoch("AHN3", 2019, 2, groundOnly), epoch("AHN2", 2012, 3, groundOnly)
    ])
    expect(r.extrusie).toBe("skip")
    expect(r.reason).toBe("no building points in AHN3, AHN2")
    // the ground grid covers every cell: coverage is complete, there is just nothing built
    expect(r.attributes["b3_nodata_fractie_ahn2"]).toBe(0)
  })

  it("an empty newer epoch is passed over", () => {
    const empty = epoch("AHN4", 2020, 1, scene(box))
    const r = reconstructLod12(input(box), [epoch("AHN3", 2019, 2), empty])
    expect(r.attributes["b3_pw_bron"]).toBe("AHN3")
    expect(r.attributes["b3_pw_selectie_reden"]).toBe("PREFERRED_AND_LATEST")
    // AHN4 sees ground where AHN3 sees a roof: covered, and a mutation (as if demolished), but
    // with no building point it is never chosen to model from
    expect(r.attributes["b3_nodata_fractie_ahn4"]).toBe(0)
    expect(r.attributes["b3_mutatie_ahn3_ahn4"]).toBe(true)
  })

  it("AHN2 building points are class 1", () => {
    const pts = scene(box, { roofZ: 5, roofClass: 1 })
    const e: EpochPoints = { ...epoch("AHN2", 2010, 3, pts), buildingClass: 1 }
    const r = reconstructLod12(input(box), [e])
    expect(r.attributes["b3_pw_bron"]).toBe("AHN2")
    expect(Math.abs((r.attributes["b3_h_dak_70p"] as number) - 5.02)).toBeLessThanOrEqual(0.01)
  })

  it("two epochs with a mutation: LATEST_WITH_MUTATION", () => {
    // the older AHN3 is ranked better here; AHN4 shows a 3 m higher roof
    const older = epoch("AHN3", 2019, 1)
    const newer = epoch("AHN4", 2022, 2, scene(box, { roofZ: 9, seed: 7 }))
    const r = reconstructLod12(input(box), [older, newer])
    expect(r.attributes["b3_mutatie_ahn3_ahn4"]).toBe(true)
    expect(r.attributes["b3_pw_selectie_reden"]).toBe("LATEST_WITH_MUTATION")
    expect(r.attributes["b3_pw_bron"]).toBe("AHN4")
    expect(Math.abs((r.attributes["b3_h_dak_70p"] as number) - 9.02)).toBeLessThanOrEqual(0.01)
  })

  it("two epochs within 1.2 m: PREFERRED_NOT_LATEST", () => {
    const older = epoch("AHN3", 2019, 1)
    const newer = epoch("AHN4", 2022, 2, scene(box, { roofZ: 6.5, seed: 7 }))
    const r = reconstructLod12(input(box), [older, newer])
    expect(r.attributes["b3_mutatie_ahn3_ahn4"]).toBe(false)
    expect(r.attributes["b3_pw_selectie_reden"]).toBe("PREFERRED_NOT_LATEST")
    expect(r.attributes["b3_pw_bron"]).toBe("AHN3")
  })

  it("construction year after every acquisition: _LATEST_BUT_OUTDATED", () => {
    const r = reconstructLod12(input(box, { constructionYear: 2023 }), [
      epoch("AHN3", 2019, 2), epoch("AHN4", 2020, 1)
    ])
    expect(r.attributes["b3_pw_selectie_reden"]).toBe("_LATEST_BUT_OUTDATED")
    expect(r.attributes["b3_pw_bron"]).toBe("AHN4")
    expect(r.attributes["b3_pw_datum"]).toBe(2020)
  })

  it("sparse points: reconstructed, reason notes insufficient density", () => {
    // 2 m spacing: 25 points on 100 m² → 0.25 pts/m²; ground only outside the walls
    const pts = scene(box, { roofZ: 6, roofSpacing: 2, ground: [[0.001, 4, 0]] })
    const r = reconstructLod12(input(box), [epoch("AHN3", 2019, 2, pts)])
    expect(r.extrusie).toBe("standard")
    expect(r.reason).toBe("insufficient point density: 0.25 building points/m² in AHN3 (< 1)")
    expect(r.attributes["b3_pw_selectie_reden"]).toBe("_HIGHEST_YET_INSUFFICIENT_COVERAGE")
    expect(r.attributes["b3_nodata_fractie_ahn3"]).toBe(0.938)
    expectValidSolid(r)
  })

  it("footprint over 30,000 m²: lod11_fallback at the 70th percentile of cell max z", () => {
    const big: Polygon = [rect(0, 0, 180, 180)]
    const pts = scene(big, { roofZ: 12, roofSpacing: 1, ground: [[0, 2, 0]] })
    const r = reconstructLod12(input(big), [epoch("AHN3", 2019, 2, pts)])
    expect(r.extrusie).toBe("lod11_fallback")
    expect(r.reason).toMatch(/^footprint 32400 m² > 30000 m²: LoD1.1 fallback/)
    expect(Math.abs(top(r) - 12.02)).toBeLessThanOrEqual(0.01)
    expectValidSolid(r)
  })

  it("an exception inside becomes a skip with the error text", () => {
    const broken = { ...epoch("AHN3", 2019, 2), index: null as unknown as PointIndex }
    const r = reconstructLod12(input(box), [broken])
    expect(r.extrusie).toBe("skip")
    expect(r.reason).toMatch(/^internal error: /)
    expect(r.attributes["b3_extrusie"]).toBe("skip")
  })

  it("no epochs: skip", () => {
    expect(reconstructLod12(input(box), []).reason).toBe("no point cloud epochs")
  })
})

describe("reconstructLod12#measured-only epochs", () => {
  const onlyGround = scene(box, { ground: [[0.001, 4, 0]] })
  const ahn2 = { ...epoch("AHN2", 2010, 3, scene(box, { roofZ: 6, roofClass: 1 })), buildingClass: 1, modelling: false }

  it("skips a building whose only building points are in an epoch not used for modelling", () => {
    const r = reconstructLod12(input(box), [ahn2, epoch("AHN3", 2014, 2, onlyGround)])
    expect(r.extrusie).toBe("skip")
    expect(r.reason).toBe("no building points in AHN3 (AHN2 measured only, not used for modelling)")
    expect(r.attributes["b3_nodata_fractie_ahn2"]).toBe(0)
    expect(r.attributes["b3_nodata_fractie_ahn3"]).toBe(1)
  })

  it("models from the usable epoch and still flags a mutation against the measured one", () => {
    const ahn3 = epoch("AHN3", 2014, 2, scene(box, { roofZ: 9 }))
    const r = reconstructLod12(input(box), [ahn2, ahn3])
    expect(r.extrusie).toBe("standard")
    expect(r.attributes["b3_pw_bron"]).toBe("AHN3")
    expect(r.attributes["b3_mutatie_ahn2_ahn3"]).toBe(true)
    expect(r.attributes["b3_h_dak_70p"]).toBeCloseTo(9.02, 1)
  })
})

describe("reconstructLod12#coverage counts every point in the footprint, as roofer does", () => {
  // Roof points stop 0.75 m inside the walls; the band between holds ground points (a typical
  // overhang / wall-base pattern). Every 0.5 m cell of the footprint then holds some point.
  const b = new PointBuilder()
  b.grid([0.75, 0.75, 9.25, 9.25], 0.25, 6, () => 6)
  b.grid([-4, -4, 14, 14], 0.25, 2, () => 0, (x, y) => {
    const lx = x - X0
    const ly = y - Y0
    return !(lx > 0.75 && lx < 9.25 && ly > 0.75 && ly < 9.25)
  })
  const pts = b.build()

  it("gives nodata fraction 0 and a sufficient epoch", () => {
    const r = reconstructLod12(input(box), [epoch("AHN3", 2014, 2, pts)])
    expect(r.attributes["b3_nodata_fractie_ahn3"]).toBe(0)
    expect(r.attributes["b3_pw_selectie_reden"]).toBe("PREFERRED_AND_LATEST")
    expect(r.attributes["b3_h_dak_70p"]).toBe(6)
  })
})

describe("reconstructLod12#outside an epoch's extent", () => {
  it("says the footprint is outside the extent when an epoch has no point near it", () => {
    const far = scene([rect(500, 500, 510, 510)], { roofZ: 6 })
    const r = reconstructLod12(input(box), [epoch("AHN3", 2014, 2, far)])
    expect(r.extrusie).toBe("skip")
    expect(r.reason).toBe("outside the extent of AHN3")
  })
})

describe("reconstructLod12#mutation flags", () => {
  it("is null, not false, when one epoch has no point over the footprint, and present on skips too", () => {
    const nothing = scene([rect(500, 500, 510, 510)], { roofZ: 6 })
    const ahn2 = { ...epoch("AHN2", 2010, 3, nothing), buildingClass: 1, modelling: false }
    const r = reconstructLod12(input(box), [ahn2, epoch("AHN3", 2014, 2)])
    expect(r.extrusie).toBe("standard")
    expect(r.attributes["b3_mutatie_ahn2_ahn3"]).toBeNull()
    const skipped = reconstructLod12(input(box), [ahn2, epoch("AHN3", 2014, 2, nothing)])
    expect(skipped.extrusie).toBe("skip")
    expect(Object.keys(skipped.attributes)).toContain("b3_mutatie_ahn2_ahn3")
  })
})
