-- Every request comes from a different reader: request number n (unique across the
-- whole benchmark, see run.py) gives it its own X-Forwarded-For address and its own
-- browser user agent, and, for logged-in readers, the next session cookie from
-- BENCH_COOKIES. No two requests share an address or a user agent string, so nothing
-- keyed on them (a cache of bot checks, a reader mark) is ever hit twice.
--
-- Environment: BENCH_OFFSET (first n), BENCH_THREADS (wrk -t), BENCH_COOKIES (a file of
-- "name=value" lines) and BENCH_COOKIE_OFFSET (first cookie).
-- At the end one line "bench-result ..." gives the exact figures run.py reads.
local threads = {}
counter = 0 -- global: done() reads it from each thread
local offset, nthreads = 0, 1
local cookies, cookie_offset = nil, 0

-- A realistic Indonesian mix: mostly Android phones, some iPhones and desktops.
local android = { "SM-A546E", "Redmi Note 12", "CPH2591", "V2207", "SM-A155F", "RMX3710",
                  "23021RAA2Y", "SM-S918B", "Infinix X6833B", "2201117TG" }
local templates = {
  "Mozilla/5.0 (Linux; Android %d; %s) AppleWebKit/537.36 (KHTML, like Gecko) "
    .. "Chrome/%d.0.%d.%d Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android %d; %s) AppleWebKit/537.36 (KHTML, like Gecko) "
    .. "SamsungBrowser/%d.0 Chrome/%d.0.%d.%d Mobile Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS %d_%d like Mac OS X) AppleWebKit/605.1.15 "
    .. "(KHTML, like Gecko) CriOS/%d.0.%d.%d Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    .. "Chrome/%d.0.%d.%d Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    .. "(KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    .. "Chrome/%d.0.%d.%d Safari/537.36 Edg/%d.0.%d.%d",
}
-- Which template request n uses, by n % 10: six Android, one iPhone, three desktop.
local pick = { 1, 1, 1, 1, 2, 1, 3, 4, 5, 6 }

local floor = math.floor

-- The version triple major.0.build.patch is a one-to-one function of n, so the user
-- agent is unique whatever the template.
local function user_agent(n)
  local major = 116 + n % 9
  local build = 5845 + floor(n / 9) % 1000
  local patch = floor(n / 9000)
  local kind = pick[n % 10 + 1]
  local template = templates[kind]
  if kind == 1 then
    return string.format(template, 11 + n % 4, android[floor(n / 10) % #android + 1],
      major, build, patch)
  elseif kind == 2 then
    return string.format(template, 12 + n % 3, android[floor(n / 10) % #android + 1],
      20 + n % 6, major, build, patch)
  elseif kind == 3 then
    return string.format(template, 16 + n % 2, n % 8, major, build, patch)
  elseif kind == 6 then
    return string.format(template, major, build, patch, major, build - 3000, patch)
  end
  return string.format(template, major, build, patch)
end

-- 100.64.0.0/10 (4,194,304 addresses): one per request for a few million requests.
local function address(n)
  return string.format("100.%d.%d.%d", 64 + floor(n / 65536) % 64, floor(n / 256) % 256,
    n % 256)
end

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  cookie_offset = tonumber(os.getenv("BENCH_COOKIE_OFFSET") or "0")
  local path = os.getenv("BENCH_COOKIES")
  if path and path ~= "" then
    cookies = {}
    for line in io.lines(path) do table.insert(cookies, line) end
  end
end

function request()
  -- Threads interleave: thread t sends n = offset + t, offset + t + nthreads, ...
  local i = counter * nthreads + tid
  counter = counter + 1
  local n = offset + i
  wrk.headers["X-Forwarded-For"] = address(n)
  wrk.headers["User-Agent"] = user_agent(n)
  if cookies then
    wrk.headers["Cookie"] = cookies[(cookie_offset + i) % #cookies + 1]
  end
  return wrk.format()
end

function done(summary, latency, requests)
  -- The requests sent (some may still have been in flight at the end), so the next run
  -- can start past every n this one used.
  -- (done() runs in wrk's main Lua state, where init() never ran.)
  local sent, per_thread = 0, #threads
  for _, thread in ipairs(threads) do
    sent = math.max(sent, thread:get("counter") * per_thread)
  end
  local e = summary.errors
  io.write(string.format(
    "bench-result requests=%d duration_us=%d sent=%d p50_us=%d p99_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, sent, latency:percentile(50),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
