// Scalar helpers shared by the primitives' reference definitions (float64 math that JavaScript's
// Math lacks).

/**
 * erf with |error| < 1.2e-7 (Numerical Recipes erfc, Chebyshev).
 * @example erf(0) // 0; erf(1) // 0.8427...
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}
