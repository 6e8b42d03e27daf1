import { describe, expect, it } from "vitest"
import { columnType, gpkgLayers, GPKG_LAYER_NAMES, sqlValue } from "../../kernels/gpkg-layers.ts"
import { decodeGpkgGeometry } from "../../kernels/wkb.ts"
import { SKIPPED_ID, loadDelft, skippedFeature } from "../support/release-fixtures.ts"

const { header, features } = loadDelft()
const T = header.transform
const layers = gpkgLayers(T, [...features, skippedFeature(header)])
const byName = new Map(layers.map((l) => [l.name, l]))
const P = "NL.IMBAG.Pand."

const col = (layer: string, name: string, row: number): unknown => {
  const l = byName.get(layer)!
  return l.rows[row].values[l.columns.findIndex((c) => c.name === name)]
}

describe("gpkgLayers on delft_subset.city.jsonl + a skipped building", () => {
  it("makes the seven layers with one row per building, part and roof surface", () => {
    expect(layers.map((l) => l.name)).toEqual([...GPKG_LAYER_NAMES])
    // roof surfaces per LoD in the file (python): 10, 13, 26
    const counts = Object.fromEntries(layers.map((l) => [l.name, l.rows.length]))
    expect(counts).toEqual({
      pand: 11, lod12_2d: 10, lod12_3d: 10, lod13_2d: 13, lod13_3d: 10, lod22_2d: 26, lod22_3d: 10
    })
    expect(layers.map((l) => [l.srsId, l.z])).toEqual([
      [28992, false], [28992, false], [7415, true], [28992, false], [7415, true], [28992, false],
      [7415, true]
    ])
  })

  it("gives pand the 57 spec columns plus the 5 older-named attributes of v2024.04.20", () => {
    const cols = byName.get("pand")!.columns
    expect(cols.length).toBe(62)
    expect(cols.slice(57).map((c) => c.name)).toEqual([
      "b3_h_dak_50p", "b3_h_dak_70p", "b3_h_dak_max", "b3_h_dak_min", "b3_reconstructie_onvolledig"
    ])
    const type = Object.fromEntries(cols.map((c) => [c.name, c.type]))
    expect([type["b3_pw_datum"], type["tijdstipregistratie"], type["begingeldigheid"]])
      .toEqual(["INTEGER", "DATETIME", "DATE"])
    expect([type["b3_val3dity_lod22"], type["b3_kas_warenhuis"], type["b3_h_maaiveld"]])
      .toEqual(["TEXT", "BOOLEAN", "REAL"])
  })

  it("writes pand rows in id order with converted values and the LoD0 footprint", () => {
    const pand = byName.get("pand")!
    const ids = pand.rows.map((_, i) => col("pand", "identificatie", i))
    expect(ids).toEqual([...ids].sort())
    const i = ids.indexOf(`${P}0503100000012869`)
    expect(col("pand", "tijdstipregistratie", i)).toBe("2010-10-13T12:43:04.000Z")
    expect(col("pand", "b3_kas_warenhuis", i)).toBe(0)
    expect(col("pand", "b3_opp_grond", i)).toBe(7.21)
    const g = decodeGpkgGeometry(pand.rows[i].geometry!)
    if (!g.ok) throw new Error(g.reason)
    expect(Array.from(g.geometry[0][0]).slice(0, 2)).toEqual([84593.249625, 446461.355])
    const skipped = ids.indexOf(SKIPPED_ID)
    expect(col("pand", "b3_extrusie", skipped)).toBe("skip")
    expect(pand.rows[skipped].geometry).not.toBeNull()
  })

  it("labels every 3D surface: 0 ground, 2 outer wall, 1 roof for the box 012869", () => {
    const l = byName.get("lod12_3d")!
    const i = l.rows.findIndex((r) => r.values[0] === `${P}0503100000012869`)
    expect(l.rows[i].values).toEqual([`${P}0503100000012869`, 0, "[0,2,2,2,2,1]"])
  })

  it("gives roof parts min/max heights equal to their vertices' z", () => {
    const f = features.find((x) => x.id === `${P}0503100000019492`)!
    const g = f.CityObjects[`${f.id}-0`].geometry!.find((x) => x.lod === "2.2")!
    const values = (g.semantics!.values as number[][])[0]
    const roofs = (g.boundaries as number[][][][])[0].filter((_, k) => values[k] === 1)
    const z = (i: number): number => f.vertices[i][2] * T.scale[2] + T.translate[2]
    const l = byName.get("lod22_2d")!
    const rows = l.rows.filter((r) => r.values[0] === f.id)
    expect(rows.length).toBe(roofs.length)
    rows.forEach((r, dd) => {
      const zs = roofs[dd].flat().map(z)
      expect(r.values.slice(1, 3)).toEqual([0, dd])
      expect(r.values[3]).toBeCloseTo(Math.min(...zs), 2)
      expect(r.values[6]).toBeCloseTo(Math.max(...zs), 2)
      const [min, p50, p70, max] = r.values.slice(3, 7) as number[]
      expect(min <= p50 && p50 <= p70 && p70 <= max).toBe(true)
      expect(r.values.length).toBe(9)
    })
  })
})

describe("columnType and sqlValue", () => {
  it("follows the spec when values fit it, the values otherwise", () => {
    expect(columnType("date", ["2020-01-02", null])).toBe("DATE")
    expect(columnType("date", [2020, 2019])).toBe("INTEGER")
    expect(columnType("int", [1, 2.5])).toBe("REAL")
    expect(columnType(undefined, [true, null])).toBe("BOOLEAN")
    expect(columnType(undefined, ["a", 1])).toBe("TEXT")
  })
  it("converts booleans, datetimes and lists", () => {
    expect(sqlValue("BOOLEAN", true)).toBe(1)
    expect(sqlValue("DATETIME", "2010-10-13T12:43:04.5Z")).toBe("2010-10-13T12:43:04.500Z")
    expect(sqlValue("TEXT", [102, 203])).toBe("[102,203]")
    expect(sqlValue("REAL", NaN)).toBeNull()
  })
})
