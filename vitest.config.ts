import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Generous limits: the asset tests build the real sample release (minutes on 2 cores). They
    // bound a hung run; no test asserts on time.
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } }
  }
})
