/**
 * Choice of one point-cloud epoch per building, following 3DBAG's rules.
 *
 * 1. Sufficient = nodata fraction ≤ 0.06 and nodata radius ≤ 0.5 m.
 * 2. No sufficient epoch: the one with the lowest nodata fraction (then best rank) that is not
 *    mutated against the latest epoch → `_HIGHEST_YET_INSUFFICIENT_COVERAGE`.
 * 3. Best-ranked sufficient epoch = latest sufficient epoch → `PREFERRED_AND_LATEST`.
 * 4. Else, mutated between those two → the latest sufficient, `LATEST_WITH_MUTATION`;
 *    not mutated → the best-ranked, `PREFERRED_NOT_LATEST`.
 * 5. Construction year after the chosen epoch's acquisition year: steps 1–4 are redone over
 *    the epochs acquired in or after the construction year; when there are none, the latest
 *    epoch with any coverage is chosen with `_LATEST_BUT_OUTDATED`. An acquisition in the
 *    construction year itself counts as up to date (the year alone cannot tell).
 */

export interface EpochCandidate {
  /** Epoch name, e.g. "AHN4". */
  readonly epoch: string
  /** Acquisition year. */
  readonly year: number
  /** Quality rank, lower is better (AHN5 0, AHN4 1, AHN3 2, AHN2 3). */
  readonly rank: number
  readonly nodataFraction: number
  readonly nodataRadius: number
  /** Per-cell max z (NaN = empty), cell-aligned with every other candidate's raster. */
  readonly maxZ: Float64Array
}

export interface SelectionParams {
  /** Largest sufficient nodata fraction (0..1). */
  readonly maxNodataFraction: number
  /** Largest sufficient nodata radius, metres. */
  readonly maxNodataRadius: number
  /** A cell differs when |Δ max z| exceeds this, metres. */
  readonly mutationHeightDiff: number
  /** Mutated when at least this share of the commonly covered cells differs. */
  readonly mutationCellFraction: number
}

export const defaultSelectionParams: SelectionParams = {
  maxNodataFraction: 0.06,
  maxNodataRadius: 0.5,
  mutationHeightDiff: 1.2,
  mutationCellFraction: 0.5
}

export type SelectionReason =
  | "PREFERRED_AND_LATEST"
  | "PREFERRED_NOT_LATEST"
  | "LATEST_WITH_MUTATION"
  | "_HIGHEST_YET_INSUFFICIENT_COVERAGE"
  | "_LATEST_BUT_OUTDATED"

/** Mutation flag between epochs `a` (older) and `b` (newer). */
export interface Mutation {
  readonly a: string
  readonly b: string
  /** null when one of the two epochs has no point over the footprint. */
  readonly value: boolean | null
}

export interface SelectionResult {
  /** Index into the candidate array. */
  readonly index: number
  readonly epoch: string
  readonly reason: SelectionReason
  /** One entry per pair of epochs adjacent in time (by year, then rank). */
  readonly mutations: ReadonlyArray<Mutation>
}

export function isSufficient(c: EpochCandidate, p: SelectionParams): boolean {
  return c.nodataFraction <= p.maxNodataFraction && c.nodataRadius <= p.maxNodataRadius
}

/**
 * Whether two aligned max-z rasters show a different object: at least `mutationCellFraction`
 * of the cells covered in both differ by more than `mutationHeightDiff`. No common cell, or
 * rasters of different sizes (not comparable), gives false. O(cells).
 */
export function isMutated(a: Float64Array, b: Float64Array, p: SelectionParams): boolean {
  if (a.length !== b.length) return false
  let common = 0
  let differ = 0
  for (let i = 0; i < a.length; i++) {
    const za = a[i]
    const zb = b[i]
    if (za !== za || zb !== zb) continue
    common++
    if (Math.abs(za - zb) > p.mutationHeightDiff) differ++
  }
  return common > 0 && differ >= p.mutationCellFraction * common
}

/** Candidate ids ordered by `cmp`, stable. */
function ordered(ids: ReadonlyArray<number>, cmp: (a: number, b: number) => number): number[] {
  return [...ids].sort(cmp)
}

interface Core {
  readonly index: number
  readonly reason: SelectionReason
}

/** Steps 1–4 over the candidate ids `ids` (non-empty). */
function selectCore(cs: ReadonlyArray<EpochCandidate>, ids: number[], p: SelectionParams): Core {
  const byRank = ordered(ids, (a, b) => cs[a].rank - cs[b].rank || cs[b].year - cs[a].year)
  const byDate = ordered(ids, (a, b) => cs[b].year - cs[a].year || cs[a].rank - cs[b].rank)
  const best = byRank.find((i) => isSufficient(cs[i], p))
  if (best === undefined) {
    const byCover = ordered(
      ids,
      (a, b) => cs[a].nodataFraction - cs[b].nodataFraction || cs[a].rank - cs[b].rank
    )
    const latest = cs[byDate[0]]
    const pick = byCover.find((i) => !isMutated(cs[i].maxZ, latest.maxZ, p)) ?? byDate[0]
    return { index: pick, reason: "_HIGHEST_YET_INSUFFICIENT_COVERAGE" }
  }
  const latestSufficient = byDate.find((i) => isSufficient(cs[i], p)) ?? best
  if (latestSufficient === best) return { index: best, reason: "PREFERRED_AND_LATEST" }
  if (isMutated(cs[best].maxZ, cs[latestSufficient].maxZ, p)) {
    return { index: latestSufficient, reason: "LATEST_WITH_MUTATION" }
  }
  return { index: best, reason: "PREFERRED_NOT_LATEST" }
}

/** Mutation flags of epochs adjacent in time. */
export function adjacentMutations(
  cs: ReadonlyArray<EpochCandidate>,
  p: SelectionParams = defaultSelectionParams
): Mutation[] {
  const byYear = ordered(
    cs.map((_, i) => i),
    (a, b) => cs[a].year - cs[b].year || cs[b].rank - cs[a].rank
  )
  const out: Mutation[] = []
  for (let k = 0; k + 1 < byYear.length; k++) {
    const a = cs[byYear[k]]
    const b = cs[byYear[k + 1]]
    // Without a covered cell in one of the two there is nothing to compare: unknown, not false.
    const value = hasData(a.maxZ) && hasData(b.maxZ) ? isMutated(a.maxZ, b.maxZ, p) : null
    out.push({ a: a.epoch, b: b.epoch, value })
  }
  return out
}

const hasData = (maxZ: Float64Array): boolean => {
  for (let i = 0; i < maxZ.length; i++) if (maxZ[i] === maxZ[i]) return true
  return false
}

/**
 * Selects one epoch (rules in the module comment); null when there is no candidate.
 * `constructionYear` null means unknown (rule 5 is skipped).
 */
export function selectPointCloud(
  candidates: ReadonlyArray<EpochCandidate>,
  constructionYear: number | null,
  params: Partial<SelectionParams> = {}
): SelectionResult | null {
  if (candidates.length === 0) return null
  const p: SelectionParams = { ...defaultSelectionParams, ...params }
  const all = candidates.map((_, i) => i)
  let core = selectCore(candidates, all, p)
  if (constructionYear !== null && constructionYear > candidates[core.index].year) {
    const current = all.filter((i) => candidates[i].year >= constructionYear)
    if (current.length > 0) core = selectCore(candidates, current, p)
    else {
      const byDate = ordered(all, (a, b) => candidates[b].year - candidates[a].year)
      const latest = byDate.find((i) => candidates[i].nodataFraction < 1) ?? byDate[0]
      core = { index: latest, reason: "_LATEST_BUT_OUTDATED" }
    }
  }
  return {
    index: core.index,
    epoch: candidates[core.index].epoch,
    reason: core.reason,
    mutations: adjacentMutations(candidates, p)
  }
}
