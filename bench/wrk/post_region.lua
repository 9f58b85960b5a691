-- B3b: POST /api/v1/regions, one new village per request, every code unique
-- across threads and runs:
--   wrk -t T -c C -d D -s post_region.lua URL -- START T FIRST_TOWNSHIP
-- Request n of thread k writes index i = START + n*T + k, the village
--   149901 TTT VVV  with  TTT = FIRST_TOWNSHIP + i / 999,  VVV = 1 + i % 999
-- under the township 149901TTT000 (bench/http creates townships
-- FIRST_TOWNSHIP..999 before the runs). The cookie, CSRF token and
-- Content-Type come as -H headers. Prints the summary line of summary.lua
-- plus the responses by status and the highest n of any thread (so the next
-- run starts after it).
local script_dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(script_dir .. "summary.lua")

local county = os.getenv("BENCH_COUNTY") or "149901"
local threads = {}
local next_id = 0

setup = function(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local start, nthreads, first_township
local n = 0
created, conflict, other = 0, 0, 0

init = function(args)
  start = tonumber(args[1]) or 0
  nthreads = tonumber(args[2]) or 1
  first_township = tonumber(args[3]) or 14
end

request = function()
  local i = start + n * nthreads + tid
  n = n + 1
  issued = n
  local township = first_township + math.floor(i / 999)
  local village = 1 + i % 999
  local parent = string.format("%s%03d000", county, township)
  local code = string.format("%s%03d%03d", county, township, village)
  local body = string.format(
    '{"code":"%s","name":"压测村%d","level":"村","parent_code":"%s"}', code, i, parent)
  return wrk.format("POST", "/api/v1/regions", nil, body)
end

response = function(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 409 then
    conflict = conflict + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("non-201: " .. status .. " " .. tostring(body) .. "\n") end
  end
end

done = function(summary, latency, requests)
  local c, k, o, most = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + (thread:get("created") or 0)
    k = k + (thread:get("conflict") or 0)
    o = o + (thread:get("other") or 0)
    most = math.max(most, thread:get("issued") or 0)
  end
  result_line(summary, latency, string.format(
    " status_201=%d status_409=%d status_other=%d max_issued=%d", c, k, o, most))
end
