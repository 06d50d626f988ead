-- Every request comes from a different reader: a new X-Forwarded-For address per
-- request (198.18.0.0/15 is the range set aside for benchmarks), a browser user agent,
-- and, for logged-in readers, the next session cookie from BENCH_COOKIES.
local threads = {}
local counter = 0
local cookies = nil

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Warm-up and measured runs start at different offsets so they share no reader.
  counter = tonumber(os.getenv("BENCH_OFFSET") or "0")
  local path = os.getenv("BENCH_COOKIES")
  if path and path ~= "" then
    cookies = {}
    for line in io.lines(path) do table.insert(cookies, line) end
  end
  wrk.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 "
    .. "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
end

function request()
  counter = counter + 1
  wrk.headers["X-Forwarded-For"] = string.format(
    "198.%d.%d.%d", 18 + (tid % 2), math.floor(counter / 256) % 256, counter % 256)
  if cookies then
    -- Threads take interleaved cookies so no two requests share a reader.
    local index = ((counter * 2 + tid) % #cookies) + 1
    wrk.headers["Cookie"] = cookies[index]
  end
  return wrk.format()
end
