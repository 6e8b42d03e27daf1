import { describe, expect, it } from "vitest"
import {
  adjacentMutations, defaultSelectionParams, isMutated, isSufficient, selectPointCloud
} from "../../kernels/pointcloud-selection.ts"
import type { EpochCandidate } from "../../kernels/pointcloud-selection.ts"

/** Raster of 10 cells at height z (NaN = empty). */
const flat = (z: number, empty = 0) =>
  Float64Array.from({ length: 10 }, (_, i) => (i < empty ? NaN : z))

const cand = (
  epoch: string, year: number, rank: number, maxZ: Float64Array,
  nodataFraction = 0, nodataRadius = 0.3
): EpochCandidate => ({ epoch, year, rank, maxZ, nodataFraction, nodataRadius })

const p = defaultSelectionParams

describe("isSufficient", () => {
  it("uses nodata fraction ≤ 0.06 and radius ≤ 0.5, both inclusive", () => {
    expect(isSufficient(cand("A", 2020, 0, flat(1), 0.06, 0.5), p)).toBe(true)
    expect(isSufficient(cand("A", 2020, 0, flat(1), 0.061, 0.5), p)).toBe(false)
    expect(isSufficient(cand("A", 2020, 0, flat(1), 0, 0.51), p)).toBe(false)
  })
})

describe("isMutated", () => {
  it("needs ≥ 50% of the common cells to differ by more than 1.2 m", () => {
    const a = flat(5)
    const half = Float64Array.from(a, (z, i) => (i < 5 ? z + 1.3 : z))
    const four = Float64Array.from(a, (z, i) => (i < 4 ? z + 1.3 : z))
    expect(isMutated(a, half, p)).toBe(true)
    expect(isMutated(a, four, p)).toBe(false)
    // exactly 1.2 m is not a difference
    expect(isMutated(flat(0), flat(1.2), p)).toBe(false)
    expect(isMutated(flat(0), flat(1.25), p)).toBe(true)
  })

  it("counts only cells covered in both", () => {
    // a covers cells 6..9 only; there b differs by 3 m in all 4 → mutated
    const a = flat(5, 6)
    const b = Float64Array.from(flat(5), (z, i) => (i >= 6 ? 8 : z))
    expect(isMutated(a, b, p)).toBe(true)
    expect(isMutated(flat(NaN), flat(5), p)).toBe(false)
    expect(isMutated(new Float64Array(3), new Float64Array(4), p)).toBe(false)
  })
})

describe("selectPointCloud", () => {
  it("best-ranked sufficient epoch is the latest → PREFERRED_AND_LATEST", () => {
    const cs = [cand("AHN3", 2019, 2, flat(5)), cand("AHN4", 2020, 1, flat(5))]
    const r = selectPointCloud(cs, null)
    expect(r?.epoch).toBe("AHN4")
    expect(r?.reason).toBe("PREFERRED_AND_LATEST")
    expect(r?.mutations).toEqual([{ a: "AHN3", b: "AHN4", value: false }])
  })

  it("better-ranked but older, no mutation → PREFERRED_NOT_LATEST", () => {
    const cs = [cand("DIM", 2022, 3, flat(5.5)), cand("AHN3", 2019, 0, flat(5))]
    const r = selectPointCloud(cs, null)
    expect(r?.epoch).toBe("AHN3")
    expect(r?.index).toBe(1)
    expect(r?.reason).toBe("PREFERRED_NOT_LATEST")
  })

  it("better-ranked but older, mutated → LATEST_WITH_MUTATION", () => {
    const cs = [cand("DIM", 2022, 3, flat(9)), cand("AHN3", 2019, 0, flat(5))]
    const r = selectPointCloud(cs, null)
    expect(r?.epoch).toBe("DIM")
    expect(r?.reason).toBe("LATEST_WITH_MUTATION")
    expect(r?.mutations).toEqual([{ a: "AHN3", b: "DIM", value: true }])
  })

  it("nothing sufficient → best coverage not mutated against the latest", () => {
    const cs = [
      cand("AHN2", 2010, 3, flat(2), 0.1), // best coverage but mutated against AHN4
      cand("AHN3", 2019, 2, flat(5), 0.2),
      cand("AHN4", 2020, 1, flat(5), 0.3)
    ]
    const r = selectPointCloud(cs, null)
    expect(r?.epoch).toBe("AHN3")
    expect(r?.reason).toBe("_HIGHEST_YET_INSUFFICIENT_COVERAGE")
    expect(r?.mutations.map((m) => [m.a, m.b, m.value])).toEqual([
      ["AHN2", "AHN3", true],
      ["AHN3", "AHN4", false]
    ])
  })

  it("construction year after every acquisition → latest, _LATEST_BUT_OUTDATED", () => {
    const cs = [cand("AHN3", 2019, 0, flat(5)), cand("AHN4", 2020, 1, flat(5))]
    const r = selectPointCloud(cs, 2022)
    expect(r?.epoch).toBe("AHN4")
    expect(r?.reason).toBe("_LATEST_BUT_OUTDATED")
  })

  it("construction year after the chosen epoch only → reselects among the newer ones", () => {
    const cs = [cand("AHN3", 2019, 0, flat(5)), cand("AHN4", 2020, 1, flat(5))]
    // without a year: AHN3 (better rank, not mutated)
    expect(selectPointCloud(cs, null)?.reason).toBe("PREFERRED_NOT_LATEST")
    const r = selectPointCloud(cs, 2020)
    expect(r?.epoch).toBe("AHN4")
    expect(r?.reason).toBe("PREFERRED_AND_LATEST")
  })

  it("returns null without candidates, and honours parameter overrides", () => {
    expect(selectPointCloud([], null)).toBeNull()
    const cs = [cand("AHN3", 2019, 2, flat(5), 0.1), cand("AHN4", 2020, 1, flat(5), 0.2)]
    expect(selectPointCloud(cs, null)?.reason).toBe("_HIGHEST_YET_INSUFFICIENT_COVERAGE")
    const loose = selectPointCloud(cs, null, { maxNodataFraction: 0.25 })
    expect(loose?.reason).toBe("PREFERRED_AND_LATEST")
  })
})

describe("adjacentMutations", () => {
  it("pairs epochs adjacent in time, older first", () => {
    const cs = [
      cand("AHN4", 2020, 1, flat(5)), cand("AHN5", 2023, 0, flat(8)), cand("AHN3", 2019, 2, flat(5))
    ]
    expect(adjacentMutations(cs)).toEqual([
      { a: "AHN3", b: "AHN4", value: false },
      { a: "AHN4", b: "AHN5", value: true }
    ])
  })
})
