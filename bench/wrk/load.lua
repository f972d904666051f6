-- PUT [base]/Patient/bench-<i> for i = 0.. (each wrk thread takes its own stride).
local prefix = os.getenv("BENCH_PREFIX") or "bench"
local n = tonumber(os.getenv("BENCH_N") or "10000")
local counter = 0
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local index_counter = 0
setup = function(thread)
  thread:set("thread_index", index_counter)
  index_counter = index_counter + 1
end
request = function()
  local i = thread_index + counter * threads
  counter = counter + 1
  if i >= n then i = i % n end
  local id = prefix .. "-" .. i
  local body = '{"resourceType":"Patient","id":"' .. id .. '","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.8","value":"' ..
    (1000000000000 + i) .. '"}],"name":[{"family":"Bench","given":["P' .. i .. '"]}],"gender":"female","birthDate":"1980-01-01"}'
  return wrk.format("PUT", (os.getenv("BENCH_FHIR_PATH") or "/fhir") .. "/Patient/" .. id, {["Content-Type"] = "application/fhir+json"}, body)
end
