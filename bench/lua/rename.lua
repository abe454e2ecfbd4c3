-- Renames the users' own tasks (PUT); the duration in the body is ignored by contract.
local bench = require("common")
bench.scenario(function(user)
  local out = {}
  for n, id in ipairs(user.ids) do
    local body = string.format('{"title": "bench-rename %s %d", "duration": 99}', user.name, n)
    out[#out + 1] = bench.send("PUT", "/api/tasks/" .. id .. "/", user, body)
  end
  return out
end)
