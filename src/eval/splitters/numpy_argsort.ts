// numpy's default argsort (kind='quicksort', an introsort) for numbers, step for step, so that
// splitters built on `np.argsort` order tied values exactly as scikit-learn does. The algorithm is
// not stable: past 16 elements, ties come out in an order fixed by its partitioning, which GroupKFold
// inherits when groups have equal sizes. Plain reference: a stable sort by value gives the same
// order whenever there are no ties (and for any input of at most 16 elements).
//
// Introsort as numpy writes it: median-of-three quicksort, always continuing with the smaller
// partition and pushing the larger; insertion sort for ranges of at most 16; heapsort for a range
// whose depth budget (2 * floor(log2 n)) has run out.

const SMALL_QUICKSORT = 15;

/**
 * The indices that sort `v` ascending, as `np.argsort(v)` orders them (numpy 1.24, integer input).
 * @example numpyArgsort([3, 1, 2]) // Int32Array [1, 2, 0]
 */
export function numpyArgsort(v: ArrayLike<number>): Int32Array {
  return introArgsort(v.length, (i, j) => v[i] < v[j]);
}

/** numpy's argsort over elements 0..n-1 compared by `less(i, j)` (element i sorts before element j). */
export function introArgsort(n: number, less: (i: number, j: number) => boolean): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const swap = (i: number, j: number) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  const stack: number[] = [];
  const depths: number[] = [];
  let pl = 0;
  let pr = n - 1;
  let cdepth = 2 * (n > 0 ? Math.floor(Math.log2(n)) : 0);
  for (;;) {
    if (cdepth < 0) {
      heapArgsort(less, a, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(a[pm], a[pl])) swap(pm, pl);
        if (less(a[pr], a[pm])) swap(pr, pm);
        if (less(a[pm], a[pl])) swap(pm, pl);
        const vp = a[pm]; // the pivot element, parked at pr - 1 during the partition
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do pi++;
          while (less(a[pi], vp));
          do pj--;
          while (less(vp, a[pj]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // continue with the smaller partition, push the larger
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = a[pi];
        let pj = pi;
        while (pj > pl && less(vi, a[pj - 1])) {
          a[pj] = a[pj - 1];
          pj--;
        }
        a[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
    cdepth = depths.pop() as number;
  }
  return a;
}

/** numpy's aheapsort on a[start .. start + n - 1] (1-based heap indexing, as numpy writes it). */
function heapArgsort(less: (i: number, j: number) => boolean, a: Int32Array, start: number, n: number): void {
  const at = (k: number) => start + k - 1;
  const siftDown = (tmp: number, i: number, size: number) => {
    for (let j = i << 1; j <= size; ) {
      if (j < size && less(a[at(j)], a[at(j + 1)])) j++;
      if (less(tmp, a[at(j)])) {
        a[at(i)] = a[at(j)];
        i = j;
        j += j;
      } else break;
    }
    a[at(i)] = tmp;
  };
  for (let l = n >> 1; l > 0; l--) siftDown(a[at(l)], l, n);
  for (let size = n; size > 1; ) {
    const tmp = a[at(size)];
    a[at(size)] = a[at(1)];
    size--;
    siftDown(tmp, 1, size);
  }
}
