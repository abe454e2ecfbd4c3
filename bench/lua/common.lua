-- Shared by every scenario. The harness writes a fixtures file (one user a line:
-- username TAB access-token TAB comma-separated owned task ids) and passes it after `--`,
-- with the users' password. Each thread pre-builds its requests in init(), rotates over
-- them, counts every status in response() and done() prints one JSON line for the harness.
local M = {}
local threads = {}

local function load(path)
  local users = {}
  for line in io.lines(path) do
    local name, token, ids = line:match("^([^\t]+)\t([^\t]+)\t([^\t]*)$")
    if name then
      local owned = {}
      for id in ids:gmatch("%d+") do owned[#owned + 1] = id end
      users[#users + 1] = { name = name, token = token, ids = owned }
    end
  end
  return users
end

function M.send(method, path, user, body)
  local headers = { ["Accept"] = "application/json", ["Content-Type"] = "application/json" }
  if user then headers["Authorization"] = "Bearer " .. user.token end
  return wrk.format(method, path, headers, body)
end

function M.get(path, user) return M.send("GET", path, user) end

-- Interleave the users' requests (round k of every user, then round k + 1), so consecutive
-- requests come from different users and different rows.
local function interleave(per_user)
  local out, round, added = {}, 1, true
  while added do
    added = false
    for _, list in ipairs(per_user) do
      if list[round] then out[#out + 1], added = list[round], true end
    end
    round = round + 1
  end
  return out
end

-- build(user, password) returns the list of request strings for one user.
function M.scenario(build)
  function setup(thread)
    threads[#threads + 1] = thread
    thread:set("thread_index", #threads)
  end

  function init(args)
    local per_user = {}
    for _, user in ipairs(load(args[1])) do per_user[#per_user + 1] = build(user, args[2]) end
    prepared = interleave(per_user)
    assert(#prepared > 0, "no requests built from " .. tostring(args[1]))
    cursor = ((thread_index or 1) - 1) * 7919 % #prepared
    statuses = {}
  end

  function request()
    cursor = cursor % #prepared + 1
    return prepared[cursor]
  end

  function response(status) statuses[status] = (statuses[status] or 0) + 1 end

  function done(summary, latency)
    local codes, totals = {}, {}
    for _, thread in ipairs(threads) do
      for code, n in pairs(thread:get("statuses") or {}) do totals[code] = (totals[code] or 0) + n end
    end
    for code, n in pairs(totals) do codes[#codes + 1] = string.format('"%d": %d', code, n) end
    local e = summary.errors
    io.write(string.format(
      'SELTEQ_BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, '
        .. '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
        .. '"timeout": %d}, "statuses": {%s}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout,
      table.concat(codes, ", ")))
  end
end

return M
