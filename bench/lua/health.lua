-- The ceiling: the cheapest route, no token, no database.
local bench = require("common")
bench.scenario(function() return { bench.get("/health/live") } end)
