/**
 * Percentiles of a subset of a Float64Array by selection, not by sorting.
 *
 * Interpolation: linear between order statistics (Hyndman & Fan type 7, the default of R
 * and numpy). For n sorted values x[0..n-1] and quantile q in [0, 1], h = (n − 1)·q and
 * P(q) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). So q = 0 is the minimum, q = 1 the maximum,
 * q = 0.5 the median (mean of the two middle values for even n).
 *
 * NaN values are skipped. An empty subset gives NaN.
 */

/**
 * Copies `values[indices[i]]` (or all of `values` when `indices` is null), without NaN, into
 * `scratch` when it is large enough, else into a new array. Returns the filled prefix.
 */
function gather(
  values: Float64Array,
  indices: ArrayLike<number> | null,
  scratch: Float64Array | undefined
): Float64Array {
  const n = indices === null ? values.length : indices.length
  const buf = scratch !== undefined && scratch.length >= n ? scratch : new Float64Array(n)
  let k = 0
  for (let i = 0; i < n; i++) {
    const v = indices === null ? values[i] : values[indices[i]]
    if (v === v) buf[k++] = v
  }
  return buf.subarray(0, k)
}

/**
 * Rearranges `a[lo..hi]` so that a[k] holds the value it would have after sorting, smaller or
 * equal values before it and larger or equal after. Iterative Hoare quickselect with a
 * median-of-three pivot: expected O(hi − lo), worst case O((hi − lo)²).
 */
export function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  while (hi > lo) {
    const mid = (lo + hi) >> 1
    if (a[mid] < a[lo]) swap(a, mid, lo)
    if (a[hi] < a[lo]) swap(a, hi, lo)
    if (a[hi] < a[mid]) swap(a, hi, mid)
    const pivot = a[mid]
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        swap(a, i, j)
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]
  a[i] = a[j]
  a[j] = t
}

/**
 * Type-7 quantile of all of `a`, which is reordered. After selecting ⌊h⌋, the next order
 * statistic is the minimum of the part to its right, so one selection suffices.
 */
function quantileOfPrefix(a: Float64Array, q: number): number {
  const n = a.length
  if (n === 0) return NaN
  const h = (n - 1) * Math.min(1, Math.max(0, q))
  const k = Math.floor(h)
  selectInPlace(a, k)
  const lowV = a[k]
  if (h === k || k + 1 >= n) return lowV
  let next = Infinity
  for (let i = k + 1; i < n; i++) if (a[i] < next) next = a[i]
  return lowV + (h - k) * (next - lowV)
}

/**
 * Quantile `q` (0..1) of `values` restricted to `indices` (all values when null). Works on a
 * scratch copy (`scratch` reused when large enough), so `values` is not changed. O(n) expected.
 */
export function percentile(
  values: Float64Array,
  indices: ArrayLike<number> | null,
  q: number,
  scratch?: Float64Array
): number {
  return quantileOfPrefix(gather(values, indices, scratch), q)
}

/**
 * Several quantiles of the same subset from one scratch copy. Each selection narrows later
 * ones only through the partition order, so the results equal separate `percentile` calls.
 * O(n · qs.length) expected.
 */
export function percentiles(
  values: Float64Array,
  indices: ArrayLike<number> | null,
  qs: ReadonlyArray<number>,
  scratch?: Float64Array
): Float64Array {
  const a = gather(values, indices, scratch)
  const out = new Float64Array(qs.length)
  for (let i = 0; i < qs.length; i++) out[i] = quantileOfPrefix(a, qs[i])
  return out
}
