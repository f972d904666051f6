-- GET the request targets listed in the file BENCH_PATHS (one per line), in
-- turn; each wrk thread starts at its own offset. Prints one RESULT line.
local file = os.getenv("BENCH_PATHS")
local paths = {}
for line in io.lines(file) do
  if line ~= "" then paths[#paths + 1] = line end
end
assert(#paths > 0, "no request targets in " .. tostring(file))

local next_index = 0
local thread_count = 0
setup = function(thread)
  thread:set("start", thread_count * 7919)
  thread_count = thread_count + 1
end
init = function(args)
  next_index = (start or 0) % #paths
end
request = function()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index], {["Accept"] = "application/fhir+json"})
end
done = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
