import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { afterAll } from "vitest"
import { Effect } from "effect"
import { PointCloudError, PointClouds } from "../../resources/PointClouds.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const delft = path.join(path.resolve(repoRoot, "../shared/data"), "ahn3-bgt-delft-3dfier")
const delft1 = path.join(delft, "ahn3_cropped_1.laz")
const delft2 = path.join(delft, "ahn3_cropped_2.laz")
const tmp = mkdtempSync(path.join(os.tmpdir(), "point-clouds-test-"))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Runs `f` against the live layer. */
const withClouds = <A, E>(f: (pc: PointClouds["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(PointClouds, f).pipe(Effect.provide(PointClouds.layer))

describe("PointClouds", () => {
  it.effect("header#Delft crop 2: count, size and the sha256sum of the file", () =>
    withClouds((pc) => pc.header(delft2)).pipe(
      Effect.map((r) => {
        assert.strictEqual(r.header.pointCount, 208_432)
        assert.strictEqual(r.sizeBytes, 1_170_107)
        // `sha256sum ahn3_cropped_2.laz`
        assert.strictEqual(
          r.sha256,
          "a8e16c28f49c988e2ac9df23bacc47dfbb9e8b8f30c428e00d756af255e216ee"
        )
      })
    )
  )

  it.effect("scan#Delft crop 1: SOURCE.md class counts, header date 2014 day 63", () =>
    withClouds((pc) => pc.scan(delft1)).pipe(
      Effect.map((r) => {
        assert.deepStrictEqual(r.classCounts, {
          1: 196_137, 2: 195_988, 6: 246_753, 9: 267, 26: 1_365
        })
        // GPS week time cannot be dated, so the header date is used: 31 + 28 + 4 = day 63.
        assert.strictEqual(r.header.gpsTimeType, "gps-week-time")
        assert.strictEqual(r.acquisitionDate, "2014-03-04")
        assert.strictEqual(r.sizeBytes, 3_532_883)
        assert.strictEqual(
          r.sha256,
          "0f55355090308932881c5a002b6b25a6e6a04422a3c712739191d0db6bb30d18"
        )
        assert.strictEqual(r.outsideHeaderBounds, 0)
      })
    )
  )

  it.effect("points#Delft crop 2, class 6 only: 33,312 points", () =>
    withClouds((pc) => pc.points(delft2, { classes: [6] })).pipe(
      Effect.map((ps) => {
        assert.strictEqual(ps.length, 33_312)
        assert.isTrue(ps.classification.every((c) => c === 6))
        assert.isTrue(ps.x.every((x) => x >= 85000.001 - 1e-9 && x <= 85072.299 + 1e-9))
      })
    )
  )

  it.effect("points#bbox and classes together on Delft crop 1", () =>
    withClouds((pc) => pc.points(delft1, { bbox: [84850, 447450, 84900, 447500], classes: [6] }))
      .pipe(Effect.map((ps) => assert.strictEqual(ps.length, 23_658)))
  )

  it.effect("a missing file fails with PointCloudError naming the path, file not found", () => {
    const missing = path.join(tmp, "absent.laz")
    return Effect.all([
      withClouds((pc) => pc.header(missing)).pipe(Effect.flip),
      withClouds((pc) => pc.scan(missing)).pipe(Effect.flip),
      withClouds((pc) => pc.points(missing)).pipe(Effect.flip)
    ]).pipe(
      Effect.map((errors) => {
        for (const e of errors) {
          assert.instanceOf(e, PointCloudError)
          assert.strictEqual(e._tag, "PointCloudError")
          assert.strictEqual(e.path, missing)
          assert.strictEqual(e.reason, "file not found")
          assert.include(e.message, missing)
        }
      })
    )
  })

  it.effect("random bytes fail as not a LAS file", () => {
    const junk = path.join(tmp, "junk.laz")
    writeFileSync(junk, Buffer.from("this is a text file, not a point cloud\n".repeat(20)))
    return withClouds((pc) => pc.scan(junk)).pipe(
      Effect.flip,
      Effect.map((e) => {
        assert.strictEqual(e.path, junk)
        assert.strictEqual(e.reason, "not a LAS file: missing LASF signature")
      })
    )
  })
})
