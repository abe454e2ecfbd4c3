-- One task by id, rotating over the users and the tasks each of them owns.
local bench = require("common")
bench.scenario(function(user)
  local out = {}
  for _, id in ipairs(user.ids) do out[#out + 1] = bench.get("/api/tasks/" .. id .. "/", user) end
  return out
end)
