-- The benchmark's load client, run by wrk (bench/run.py starts it as `wrk -t N -c N -s this`).
--
-- One connection per wrk thread, so that a thread's Lua state is one client's. With WRK_INTERVAL
-- set, each client starts a request every WRK_INTERVAL seconds on its own schedule (clients staggered
-- evenly) and a request's latency counts from the time it was due, not from when it was sent: a slow
-- answer that holds back the requests due after it shows in their latency too (no coordinated
-- omission). Without it, each client sends its next request as soon as the last one is answered.
-- All latencies (seconds) and status counts are written to the file WRK_OUT when the run ends.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
  thread:set("client", #threads)
  table.insert(threads, thread)
end

function init(args)
  interval = tonumber(os.getenv("WRK_INTERVAL") or "0")
  clients = tonumber(os.getenv("WRK_CLIENTS") or "1")
  latencies = {}
  statuses = {}
  due = nil
end

function delay()
  local t = now()
  if interval > 0 then
    if due == nil then
      due = t + interval * client / clients
    else
      due = due + interval
    end
  else
    due = t
  end
  -- wrk takes whole milliseconds: round up, so that a request is never sent before it is due.
  local wait = due - t
  if wait > 0 then
    return math.ceil(wait * 1000)
  end
  return 0
end

function response(status, headers, body)
  latencies[#latencies + 1] = now() - due
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("WRK_OUT"), "w"))
  out:write(string.format("seconds %f\n", summary.duration / 1e6))
  out:write(string.format("errors %d\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      out:write(string.format("status %d %d\n", status, count))
    end
    for _, took in ipairs(thread:get("latencies")) do
      out:write(string.format("%.6f\n", took))
    end
  end
  out:close()
end
