-- GET [base]/Patient/bench-<i> for random i in [0, N): N from env BENCH_N.
local n = tonumber(os.getenv("BENCH_N") or "10000")
local prefix = os.getenv("BENCH_PREFIX") or "bench"
math.randomseed(os.time())
request = function()
  return wrk.format("GET", (os.getenv("BENCH_FHIR_PATH") or "/fhir") .. "/Patient/" .. prefix .. "-" .. math.random(0, n - 1), {["Accept"] = "application/fhir+json"})
end
done = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
