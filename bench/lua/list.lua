-- The authenticated "last 4 tasks" list, rotating over every user's token.
local bench = require("common")
bench.scenario(function(user) return { bench.get("/api/tasks/", user) } end)
