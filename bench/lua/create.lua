-- Creates tasks titled "bench-create ..." so the harness can count the rows afterwards.
local bench = require("common")
bench.scenario(function(user)
  local body = string.format('{"title": "bench-create %s", "duration": 25}', user.name)
  return { bench.send("POST", "/api/tasks/", user, body) }
end)
