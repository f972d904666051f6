-- Walks a search to its last page by following the Bundle's "next" links, then
-- starts again. Run with as many threads as connections (wrk -tN -cN): the Lua
-- state is per thread, so each connection keeps its own position.
-- BENCH_PATHS: a file whose first line is the first page's request target.
local first
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then first = line break end
end
assert(first, "no first page in BENCH_PATHS")
local path = first
walks = 0
pages = 0
broken = 0

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
request = function()
  return wrk.format("GET", path, {["Accept"] = "application/fhir+json"})
end
response = function(status, headers, body)
  pages = pages + 1
  if status ~= 200 then
    broken = broken + 1
    path = first
    return
  end
  -- the "next" link of a searchset Bundle: {"relation":"next","url":"..."}
  local url = body:match('"relation"%s*:%s*"next"%s*,%s*"url"%s*:%s*"([^"]+)"')
  if url then
    path = url:gsub("^https?://[^/]+", "")
  else
    walks = walks + 1
    path = first
  end
end
local report = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
done = function(summary, latency, requests)
  report(summary, latency, requests)
  local w, p, b = 0, 0, 0
  for _, t in ipairs(threads) do
    w = w + t:get("walks")
    p = p + t:get("pages")
    b = b + t:get("broken")
  end
  local seconds = summary.duration / 1e6
  local conns = #threads
  io.write(string.format("WALK walks=%d pages=%d pages_per_walk=%.1f walks_per_s=%.2f mean_walk_ms=%.1f non200_pages=%d\n",
    w, p, w > 0 and (p - b) / w or 0, w / seconds, w > 0 and seconds * 1000 * conns / w or 0, b))
end
